"""Read one incoming e-mail (raw RFC 822 bytes) into what the e-mail channel needs.

Pure functions: no database, no network. The standard library's parser
(`email.policy.default`) reads the mail; what a user wrote is its text/plain
body, or its text/html one turned into text. Of that, only the new text is
kept: `mailparser_reply` cuts the quoted earlier mails and the signature, and a
small supplement below adds what it does not know: the lines Finnish clients
write above a quote (it has no Finnish), forward separators, and a signature
cut that keeps "Thanks, but it still fails" (the library takes any line that
starts with a closing word for the start of the signature).

The flags tell the channel what not to answer: `automatic` (RFC 3834 and
common practice: auto replies, lists, bounces, our own mail), and `bounce_of`
names the mail of ours that could not be delivered. A case number written in
the subject ("[Ärende 123]", which our replies carry: `subject_with_case`) is
read back; the caller checks that the case is the sender's before using it.

Bad input never raises: broken encodings, unknown charsets, a missing From,
garbage bytes and absurd nesting all still give an `IncomingMail`.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Final

import filetype
from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, Tag
from mailparser_reply import EmailMessage as ReplyText
from mailparser_reply.constants import MAIL_LANGUAGES

OCTET_STREAM: Final = "application/octet-stream"
MAX_SUBJECT_CHARS: Final = 300
MAX_FILENAME_CHARS: Final = 120
# The new text is at the top; what is past this is old quotes (and longer than
# the channel keeps anyway), and the reply parser need not read it: some of its
# patterns take time that grows faster than the text.
MAX_BODY_CHARS: Final = 20_000
_MAX_HTML_CHARS: Final = 1_000_000  # a few seconds of BeautifulSoup
# Deeper than any mail client nests; a hostile mail could nest until the
# recursion limit.
_MAX_DEPTH: Final = 30

# The case tag our outgoing mails carry in the subject, in the user's language.
CASE_TAGS: Final = {"sv": "Ärende", "en": "Case", "fi": "Tiketti"}
_DEFAULT_TAG_LANGUAGE: Final = "sv"
# How a case number is written in a subject: our own tag, and what people type
# ("Ärende #123", "case no. 123", "tiketti 123", "ärendenr: 123").
_CASE_WORDS: Final = ("ärendenummer", "ärendenr", "ärende", "arende", "case", "tiketti")
_NUMBER_MARKS: Final = ("#", "no.", "no", "nr.", "nr", "nro", "number", ":")
# Reply and forward prefixes: English, Swedish (SV, VB), Finnish (VS, VL),
# German (AW, WG), Dutch (Antw); "Re[2]:" and "Re(2):" as some clients count.
_SUBJECT_PREFIXES: Final = ("re", "sv", "vs", "aw", "antw", "fw", "fwd", "vb", "vl", "wg")

# RFC 3834 and common practice: nothing is sent automatically in answer to mail
# with these. X-Auto-Response-Suppress (All, OOF, AutoReply) is not among them
# on its own: Outlook and Exchange put it on ordinary mail too (meeting
# requests, mail sent by applications), so an Outlook auto reply is known by
# the Auto-Submitted that Exchange writes next to it, or by X-Autoreply /
# X-Autorespond, which vacation programs write and which count on their own.
_BULK_PRECEDENCE: Final = frozenset({"bulk", "list", "junk", "auto_reply"})
_LIST_HEADERS: Final = ("List-Id", "List-Unsubscribe")
_AUTOREPLY_HEADERS: Final = ("X-Autoreply", "X-Autorespond")
_SYSTEM_SENDERS: Final = frozenset({"mailer-daemon", "postmaster"})
# Where a delivery status notification returns the mail that bounced.
_RETURNED_MAIL_TYPES: Final = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")

# The library's languages whose patterns are safe on Swedish, English and
# Finnish text. Left out: "da", whose closings include "Tak" and "Kh" with no
# word end (a line "Takuu on voimassa" would start a signature), and "pl",
# which takes one line starting "Data:" or "Do:" for a quoted mail's header.
_REPLY_LANGUAGES: Final = (
    "en",
    "sv",
    "de",
    "nl",
    "fr",
    "es",
    "it",
    "cs",
    "ja",
    "ko",
    "zh",
    "david",
)

# The supplement. Lines mail clients write above a quoted or forwarded mail
# that the library does not know (all of Finnish) or that it reads badly (a
# forward with nothing written above it). A match cuts from the start of its
# line; the patterns are written to take time in step with the text.
_QUOTE_HEADERS: Final = (
    # Gmail and Apple Mail in Finnish: "ti 1.12.2026 klo 9.15 Matti <m@x.fi>
    # kirjoitti:", "1.12.2026 kello 9.15 Matti <m@x.fi> kirjoitti:"; Gmail wraps
    # a long one onto a second line after the address's "<"; Apple Mail on a Mac
    # quotes the line itself ("> 1.12.2026 kello ...").
    r"^(?:> ?)*(?:\w{2,3}\.?[ \t]+)?\d{1,2}\.\d{1,2}\.\d{2,4},?[ \t]+(?:klo|kello)[ \t]+"
    r"\d{1,2}[.:]\d{2}\b[^\n]*(?:\n[^\n]*)?kirjoitti:[ \t]*$",
    # Thunderbird in Finnish: "Matti Meikäläinen kirjoitti 1.12.2026 klo 9.15:",
    # and any other "... kirjoitti:".
    r"\bkirjoitti[ \t]+\d{1,2}\.\d{1,2}\.\d{2,4}\b[^\n:]*:[ \t]*$",
    r"\bkirjoitti:[ \t]*$",
    # Outlook's separator above the original mail, and Gmail's above a forward.
    r"^-{3,}[ \t]*(?:Alkuperäinen viesti|Ursprungligt meddelande|Original Message)"
    r"[ \t]*-{3,}[ \t]*$",
    r"^-{3,}[ \t]*(?:Välitetty viesti|Vidarebefordrat meddelande|Forwarded message)"
    r"[ \t]*-{3,}[ \t]*$",
    # Outlook's line above the header block in plain text.
    r"^_{20,}[ \t]*$",
    # Apple Mail above a forward.
    r"^(?:Välitetty viesti alkaa|Begin forwarded message"
    r"|(?:Början (?:på|av) )?vidarebefordrat (?:brev|meddelande|mejl)):[ \t]*$",
)
# The header block Outlook writes above a quote ("Lähettäjä: ... / Lähetetty:
# ... / Vastaanottaja: ... / Aihe: ..."). Clients write four lines or more;
# three are asked for, so that a consignment's "Lähettäjä: Metsä Oy /
# Vastaanottaja: Saha Oy" stays text (the library asks for two lines in
# Swedish and English). Gmail's forwards mix languages ("Lähettäjä:" then
# "Date:", "Subject:"), so the Swedish and English names count in the block too.
_HEADER_FIELDS: Final = (
    *("Lähettäjä", "Lähetetty", "Vastaanottaja", "Kopio", "Aihe", "Päivämäärä", "Päiväys"),
    *("Från", "Skickat", "Till", "Kopia", "Ämne", "Datum"),
    *("From", "Sent", "To", "Cc", "Subject", "Date"),
)
# Lines from which everything is signature, even at the top of the text.
_SIGNATURE_LINES: Final = (
    r"^-- ?$",  # RFC 3676's signature separator
    r"^Lähetetty (?:iPhonesta|iPadista|[^\n]*-(?:älypuhelimesta|laitteesta|tabletista))[ \t]*$",
    r"^Hanki Outlook for (?:iOS|Android)[^\n]*$",  # "Get Outlook for iOS"
)
# Finnish closings; a line starting with one is the signature's first line only
# if a name at most follows (see `_is_signature_line`), as for the library's.
_FINNISH_CLOSINGS: Final = (
    "Ystävällisin terveisin",
    "Parhain terveisin",
    "Terveisin",
    "Ystävällisesti",
    "Kiittäen",
    "Kiitos,",
    "Yt.",
)
# Words a closing line may hold besides a name: "Hälsningar från Anna".
_CLOSING_JOINERS: Final = frozenset({"från", "from", "och", "and", "ja", "&", "/"})
_MAX_NAME_WORDS: Final = 3
_MAX_SIGNATURE_CANDIDATES: Final = 20
# Quote headers are shorter than this, wrapped Gmail ones too.
_MAX_PARSED_LINE: Final = 300
_ASIDE: Final = "\ue000"  # private use: marks where a long line was set aside
_SET_ASIDE = re.compile(r"\ue000(\d+)\ue000")

# Elements whose text is not the mail's; those that are a line of their own;
# those set apart by an empty line, as browsers show them.
_DROPPED_TAGS: Final = ("script", "style", "head", "title", "template", "noscript")
_BLOCK_TAGS: Final = (
    *("address", "article", "aside", "dd", "div", "dl", "dt", "fieldset", "figcaption"),
    *("figure", "footer", "form", "header", "li", "main", "nav", "section", "tr"),
)
_PARAGRAPH_TAGS: Final = (
    *("blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table"),
    "ul",
)
_CELL_TAGS: Final = ("td", "th")

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_QUOTED_LINE = re.compile(r"^\s*>")
_TAG = re.compile(r"<[^<>]*>")
# Control characters, which `_clean` has taken out of the HTML before it is read.
_LINE_MARK: Final = "\x1e"
_PARAGRAPH_MARK: Final = "\x1d"
_MARKS = re.compile(r"[\x1d\x1e][\x1d\x1e\s]*")


@dataclass(frozen=True)
class Attachment:
    """A file attached to a mail; its type is read from its content, not declared."""

    filename: str  # no path, no control characters, at most MAX_FILENAME_CHARS
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class IncomingMail:
    """What the e-mail channel needs of one incoming mail."""

    sender: str  # the From address, lower-cased; "" if none
    sender_name: str
    subject: str
    message_id: str | None  # with its angle brackets
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str  # the new text only: no quoted mails, no signature
    automatic: bool  # nothing may be sent automatically in answer
    bounce_of: str | None  # a bounce: the Message-ID of our mail that bounced
    attachments: tuple[Attachment, ...]
    too_large: tuple[str, ...]  # the names of attachments left out for their size
    case_number: int | None


def read_mail(
    raw: bytes,
    *,
    own_addresses: Collection[str] = (),
    max_attachment_bytes: int = 10 * 1024 * 1024,
) -> IncomingMail:
    """The mail in `raw`. `own_addresses` are ours: mail from them is automatic."""
    msg = _parsed(raw)
    sender, sender_name = _sender(msg)
    subject = _one_line(_header(msg, "Subject"))[:MAX_SUBJECT_CHARS]
    plain, html = _body_parts(msg)
    attachments, too_large = _attachments(msg, (plain, html), max_attachment_bytes)
    bounce_of = _bounced_message_id(msg)
    own = {own_addresses} if isinstance(own_addresses, str) else set(own_addresses)
    return IncomingMail(
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        message_id=_first_id(_header(msg, "Message-ID")),
        in_reply_to=_first_id(_header(msg, "In-Reply-To")),
        references=tuple(dict.fromkeys(_MESSAGE_ID.findall(_header(msg, "References")))),
        text=_new_text(_body_text(plain, html)),
        automatic=bounce_of is not None or _is_automatic(msg, sender, own),
        bounce_of=bounce_of,
        attachments=attachments,
        too_large=too_large,
        case_number=case_number(subject),
    )


def case_number(subject: str) -> int | None:
    """The case number written in `subject`; our own bracketed tag goes first."""
    for pattern in (_BRACKETED_CASE, _CASE):
        match = pattern.search(subject)
        if match is not None:
            return int(match.group(1))
    return None


def subject_with_case(subject: str, case_number: int, language: str) -> str:
    """The subject of our reply to a mail with `subject`: "Re: " once and the case
    tag in `language` once ("Re: [Ärende 123] Inloggning"). A tag of ours already
    there, in any language or for another case, is replaced."""
    word = CASE_TAGS.get(language, CASE_TAGS[_DEFAULT_TAG_LANGUAGE])
    return f"Re: [{word} {case_number}] {case_tag_stripped(subject)}".rstrip()


def case_tag_stripped(subject: str) -> str:
    """`subject` without our case tags and its leading reply and forward prefixes:
    "SV: Re: [Ärende 123] Inloggning" is "Inloggning"."""
    return reply_subject_prefix_stripped(_OWN_TAG.sub(" ", subject))


def reply_subject_prefix_stripped(subject: str) -> str:
    """`subject` without its leading reply and forward prefixes ("Re: SV: VS: Fwd:")."""
    text = _one_line(subject)
    while (prefix := _SUBJECT_PREFIX.match(text)) is not None:
        text = text[prefix.end() :]
    return text


def _words(words: Iterable[str]) -> str:
    """A regex alternation of `words`, the longest first so none hides another."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_CASE_BODY = rf"(?:{_words(_CASE_WORDS)})\s*(?:{_words(_NUMBER_MARKS)})?\s*(\d{{1,9}})(?!\w)"
_BRACKETED_CASE = re.compile(rf"\[\s*{_CASE_BODY}\s*\]", re.IGNORECASE)
_CASE = re.compile(rf"(?<!\w){_CASE_BODY}", re.IGNORECASE)
_OWN_TAG = re.compile(rf"\[\s*(?:{_words(CASE_TAGS.values())})\s+\d{{1,9}}\s*\]", re.IGNORECASE)
_SUBJECT_PREFIX = re.compile(
    rf"(?:{_words(_SUBJECT_PREFIXES)})\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE
)


# Parsing and headers


def _parsed(raw: bytes) -> EmailMessage:
    """The parsed mail; only its headers if the body cannot be parsed (nested past
    the recursion limit)."""
    try:
        return message_from_bytes(raw, policy=policy.default)
    except Exception:  # the parser's own limits and bugs: the mail is still read
        try:
            return BytesHeaderParser(policy=policy.default).parsebytes(raw)
        except Exception:
            return EmailMessage(policy=policy.default)


def _header(msg: Message, name: str) -> str:
    """The header's decoded value, "" if absent; its raw value if it cannot be
    parsed (the header parser has had bugs on malformed addresses)."""
    try:
        value = msg.get(name)
        return "" if value is None else _clean(str(value))
    except Exception:
        for key, raw in msg.raw_items():
            if key.lower() == name.lower():
                return _clean(str(raw))
        return ""


def _clean(text: str) -> str:
    """`text` with the undecodable bytes the parser kept (as surrogates) decoded as
    UTF-8 where they are, replaced where not, and without control characters."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that were not bytes
        text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _sender(msg: Message) -> tuple[str, str]:
    """The From address, lower-cased, and its display name."""
    try:
        addresses = getattr(msg.get("From"), "addresses", ())
        if addresses:
            first = addresses[0]
            return _clean(first.addr_spec).strip().lower(), _one_line(_clean(first.display_name))
    except Exception:  # a From the header parser cannot read: email.utils may
        pass
    name, address = parseaddr(_header(msg, "From"))
    return address.strip().lower(), _one_line(name)


def _first_id(value: str) -> str | None:
    """The first message id in a Message-ID or In-Reply-To header, in brackets."""
    match = _MESSAGE_ID.search(value)
    if match is not None:
        return match.group()
    bare = value.strip()
    return f"<{bare}>" if bare and _SPACES.search(bare) is None else None


def _is_automatic(msg: Message, sender: str, own: set[str]) -> bool:
    """Whether nothing may be sent automatically in answer to `msg` (RFC 3834)."""
    auto_submitted = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    return_path = _header(msg, "Return-Path").strip()
    return (
        ("Auto-Submitted" in msg and auto_submitted != "no")
        or _header(msg, "Precedence").strip().lower() in _BULK_PRECEDENCE
        or any(name in msg for name in (*_LIST_HEADERS, *_AUTOREPLY_HEADERS))
        or sender.partition("@")[0] in _SYSTEM_SENDERS
        or ("Return-Path" in msg and return_path in ("", "<>"))
        or _content_type(msg) == "multipart/report"
        or sender in {address.strip().lower() for address in own}
    )


# The parts


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"  # RFC 2045's default


def _parts(msg: Message, depth: int = 0) -> Iterator[Message]:
    """`msg` and the parts of its multiparts, depth first; attached mails are not
    opened (their parts are theirs, not this mail's)."""
    yield msg
    if depth >= _MAX_DEPTH or not _content_type(msg).startswith("multipart/"):
        return
    payload = msg.get_payload()
    for part in payload if isinstance(payload, list) else ():
        if isinstance(part, Message):
            yield from _parts(part, depth + 1)


def _body_parts(msg: EmailMessage) -> tuple[Message | None, Message | None]:
    """The text/plain and text/html parts that are the body, as the mail's structure
    says (multipart/alternative, related, mixed)."""
    try:
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
    except Exception:  # nested past the recursion limit, a broken header
        return None, None
    return plain, html


def _payload(part: Message) -> bytes:
    """The part's content, its transfer encoding undone."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _decoded(data: bytes, charset: str | None) -> str:
    """`data` as text: in its declared charset, else UTF-8, else Windows-1252 (what
    unlabelled Swedish and Finnish mail most often is), with replacements."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError, ValueError):  # unknown, mislabelled
            continue
    return data.decode("windows-1252", errors="replace")


def _part_text(part: Message) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text = _decoded(_payload(part), charset)
    return _clean(text.replace("\r\n", "\n").replace("\r", "\n"))


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    return value.lower() if isinstance(value, str) else ""


# The text


def _body_text(plain: Message | None, html: Message | None) -> str:
    """The body as text: the text/plain part, or the text/html one when there is no
    plain text (or only an empty one)."""
    if plain is not None:
        text = _part_text(plain)
        if _param(plain, "format") == "flowed":
            text = _unflowed(text, delsp=_param(plain, "delsp") == "yes")
        if text.strip():
            return text
    return _html_text(_part_text(html)) if html is not None else ""


def _unflowed(text: str, *, delsp: bool) -> str:
    """format=flowed text (RFC 3676; Thunderbird, Apple Mail) with its soft line
    breaks undone: a line ending in a space goes on in the next one of the same
    quote depth."""
    lines: list[str] = []
    flowing_depth: int | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:].removeprefix(" ")  # the space stuffed in by the sender
        if flowing_depth == depth and lines:
            lines[-1] += content
        else:
            lines.append(f"{'>' * depth} {content}" if depth else content)
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            lines[-1] = lines[-1][:-1]
        flowing_depth = depth if flowed else None
    return "\n".join(lines)


def _html_text(html: str) -> str:
    """The text of an HTML body: no scripts or styles, a line per block element and
    an empty one around paragraphs, links as their text, quoted blocks
    (<blockquote>) with "> " before each line."""
    html = html[:_MAX_HTML_CHARS]
    try:
        text = _marks_as_breaks(_rendered(BeautifulSoup(html, "html.parser")))
    except Exception:  # html.parser gives up on some markup; the words are still there
        text = _TAG.sub(" ", html)
    return "\n".join(line.strip() for line in text.split("\n"))


def _rendered(root: Tag) -> str:
    """The text of the tree under `root`, with marks where block elements begin and
    end. Walked with a stack of its own, not by editing the tree: a mail may nest
    deeper than Python recurses, and editing costs time with each sibling."""
    out: list[str] = []
    in_pre = 0
    # ("visit", element), ("emit", text), ("quote", where the quote's text
    # starts in `out`), ("pre", None): leaving a <pre>.
    stack: list[tuple[str, object]] = [("visit", root)]
    while stack:
        action, item = stack.pop()
        if action == "emit":
            out.append(str(item))
        elif action == "quote":
            start = int(str(item))
            quote = _quoted(_marks_as_breaks("".join(out[start:])))
            del out[start:]
            out.append(quote)
        elif action == "pre":
            in_pre -= 1
        elif type(item) in (NavigableString, CData):  # not comments, doctypes
            out.append(str(item) if in_pre else _SPACES.sub(" ", str(item)))
        elif isinstance(item, Tag) and item.name not in _DROPPED_TAGS:
            if item.name == "br":
                out.append("\n")
                continue
            stack.extend(_closing(item, out))
            if item.name == "pre":
                in_pre += 1
                stack.append(("pre", None))
            if item.name == "blockquote":
                stack.append(("quote", len(out)))
            stack.extend(("visit", child) for child in reversed(item.contents))
    return "".join(out)


def _closing(tag: Tag, out: list[str]) -> list[tuple[str, object]]:
    """What is written after `tag`'s content; the mark before it goes to `out`."""
    if tag.name in _CELL_TAGS:
        return [("emit", " ")]
    mark = _PARAGRAPH_MARK if tag.name in _PARAGRAPH_TAGS else ""
    mark = mark or (_LINE_MARK if tag.name in _BLOCK_TAGS else "")
    if not mark:
        return []
    out.append(mark)
    return [("emit", mark)]


def _marks_as_breaks(text: str) -> str:
    """`text` with the marks where elements begin and end as line breaks: one between
    blocks, an empty line around a paragraph, and one more for each <br> there
    (Outlook writes an empty line as <div><br></div>)."""

    def breaks(run: re.Match[str]) -> str:
        least = 2 if _PARAGRAPH_MARK in run.group() else 1
        return "\n" * max(least, 1 + run.group().count("\n"))

    return _MARKS.sub(breaks, text)


def _quoted(text: str) -> str:
    lines = [line.strip() for line in text.strip().split("\n")]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def _new_text(body: str) -> str:
    """What the sender wrote in this mail: `body` without quoted earlier mails, the
    signature and the library's known disclaimers."""
    text = _before_quote(_tidy(body)[:MAX_BODY_CHARS])
    with contextlib.suppress(Exception):  # a bug of the library's: the text is still the mail's
        text = _latest_reply(text)
    return _tidy(_without_trailing_quote(text)).strip()


def _tidy(text: str) -> str:
    """`text` without trailing spaces and with one empty line at most between
    paragraphs (the reply parser's patterns are slow on long runs of whitespace)."""
    lines = (line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


def _compiled(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in patterns)


_FIELD = rf"[* ]*(?:{_words(_HEADER_FIELDS)})[* ]*:"
_HEADER_BLOCK = rf"^(?:{_FIELD}[^\n]*(?:\n|$)){{3,}}"
_QUOTE_HEADER_PATTERNS = _compiled((*_QUOTE_HEADERS, _HEADER_BLOCK))
_SIGNATURE_PATTERNS = _compiled(_SIGNATURE_LINES)


def _earliest(patterns: Iterable[re.Pattern[str]], text: str) -> tuple[int, int] | None:
    """Where the first line any of `patterns` matches in starts, and where the match
    ends."""
    matches = [m for m in (p.search(text) for p in patterns) if m is not None]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start())
    return text.rfind("\n", 0, first.start()) + 1, first.end()


def _before_quote(text: str) -> str:
    """`text` up to the supplement's first quote header or signature line. A header
    with nothing written above it (a forward, a reply written below the quote) is
    dropped with the quoted lines under it, and what follows is read the same way."""
    while True:
        signature = _earliest(_SIGNATURE_PATTERNS, text)
        header = _earliest(_QUOTE_HEADER_PATTERNS, text)
        if signature is not None and (header is None or signature[0] <= header[0]):
            return text[: signature[0]]
        if header is None:
            return text
        start, end = header
        if text[:start].strip():
            return text[:start]
        text = _without_leading_quote(text[end:])


def _without_leading_quote(text: str) -> str:
    """`text` without the quoted lines ("> ...") and blank lines it starts with."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and (not lines[start].strip() or _QUOTED_LINE.match(lines[start])):
        start += 1
    return "\n".join(lines[start:])


def _without_trailing_quote(text: str) -> str:
    """`text` without the quoted lines it ends with, and the line introducing them
    ("... skrev:", in a language nothing above knows)."""
    lines = text.rstrip().split("\n")
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or _QUOTED_LINE.match(lines[end - 1])):
        end -= 1
    if end < len(lines) and end > 0 and lines[end - 1].rstrip().endswith(":"):
        end -= 1
    return "\n".join(lines[:end])


def _latest_reply(text: str) -> str:
    """The first reply that mailparser_reply finds in `text`, without its header,
    disclaimers and signature. Hyphen lists are kept ("- inloggning" is not a
    signature), which its EmailReplyParser front cannot be told, hence EmailMessage.

    Lines longer than any quote header are set aside while it reads (some of its
    patterns take time growing with the cube of a line's length) and put back."""
    long_lines: list[str] = []

    def set_aside(line: str) -> str:
        if len(line) <= _MAX_PARSED_LINE:
            return line
        long_lines.append(line)
        return f"{_ASIDE}{len(long_lines) - 1}{_ASIDE}"

    def put_back(mark: re.Match[str]) -> str:
        index = int(mark.group(1))
        return long_lines[index] if index < len(long_lines) else mark.group()

    body = _reply_body("\n".join(set_aside(line) for line in text.split("\n")))
    return _SET_ASIDE.sub(put_back, body)


def _reply_body(text: str) -> str:
    message = ReplyText(text=text, languages=list(_REPLY_LANGUAGES), keep_hyphen_lists=True)
    message.read()
    reply = message.replies[0]  # there is always one: the whole text when nothing splits it
    body: str = reply.content
    if reply.headers:  # the text started with a header: what follows is below a quote
        body = _without_leading_quote(body.replace(reply.headers, "", 1))
    for disclaimer in reply.disclaimers:
        body = body.replace(disclaimer, "")
    return body[: _signature_start(body, message.SIGNATURE_REGEX)]


def _library_closings() -> list[str]:
    closings: list[str] = []
    for language in _REPLY_LANGUAGES:
        found = MAIL_LANGUAGES[language].get("signatures", [])
        closings.extend([found] if isinstance(found, str) else found)
    return closings


_CLOSING = re.compile(
    "|".join([*_library_closings(), *(re.escape(c) for c in _FINNISH_CLOSINGS)]), re.IGNORECASE
)
_FINNISH_SIGNATURE = re.compile(
    rf"(?<!\A)^(?:> ?)*(?:{_words(_FINNISH_CLOSINGS)})", re.MULTILINE | re.IGNORECASE
)


def _signature_start(text: str, library_signature: re.Pattern[str]) -> int:
    """Where the signature in `text` starts (its length if there is none): the
    library's signature, or a Finnish closing, whose first line is one."""
    starts = [
        start
        for pattern in (library_signature, _FINNISH_SIGNATURE)
        for start in _signature_candidates(pattern, text)
    ]
    return min(starts, default=len(text))


def _signature_candidates(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """The first match of `pattern` in `text` whose first line is a signature's,
    among the first few (each search reads to the end of the text)."""
    position = 0
    for _ in range(_MAX_SIGNATURE_CANDIDATES):
        match = pattern.search(text, position)
        if match is None:
            return
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if _is_signature_line(text[start:end]):
            yield match.start()
            return
        position = max(end + 1, position + 1)


def _is_signature_line(line: str) -> bool:
    """Whether a line the library takes for a signature's first line is one: a
    separator or "Sent from my iPhone" is; a closing is if a name at most follows
    ("Thanks, Anna", "Mvh /Anna"), not a sentence ("Thanks, but it still fails")."""
    line = line.strip().lstrip("> ")
    closing = _CLOSING.match(line)
    if closing is None:
        return True
    words = line[closing.end() :].strip(" ,.!:;-–").split()
    return len(words) <= _MAX_NAME_WORDS and all(
        word[0].isupper() or word[0] == "/" or word.lower() in _CLOSING_JOINERS for word in words
    )


# Attachments


def _attachments(
    msg: Message, body: tuple[Message | None, ...], max_bytes: int
) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    """The mail's attachments, and the names of those left out for being larger
    than `max_bytes`. The body parts are not attachments."""
    kept: list[Attachment] = []
    too_large: list[str] = []
    for part in _parts(msg):
        if any(part is b for b in body) or not _is_attachment(part):
            continue
        data = _attached_data(part)
        name = _filename(part, fallback=_fallback_name(len(kept) + len(too_large) + 1, data))
        if len(data) > max_bytes:
            too_large.append(name)
        else:
            kept.append(Attachment(filename=name, content_type=detected_type(data), data=data))
    return tuple(kept), tuple(too_large)


def _is_attachment(part: Message) -> bool:
    """An attachment: a part marked so, or an inline part that is not text and has a
    file name (an image in the text, a PDF Apple Mail shows inline)."""
    content_type = _content_type(part)
    if content_type.startswith("multipart/"):
        return False
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        return False
    if disposition == "attachment":
        return True
    return not content_type.startswith("text/") and bool(filename)


def _attached_data(part: Message) -> bytes:
    """The part's content; an attached mail (message/rfc822) as its bytes."""
    if not _content_type(part).startswith("message/"):
        return _payload(part)
    payload = part.get_payload()
    try:
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0].as_bytes()
    except Exception:  # a header the generator cannot write back
        pass
    return _payload(part)


def _filename(part: Message, *, fallback: str) -> str:
    """The part's file name, made safe to show and store, or `fallback`."""
    try:
        raw = part.get_filename() or ""
    except Exception:
        raw = ""
    return safe_filename(_clean(raw)) or fallback


def safe_filename(name: str) -> str:
    """`name` without directories, control and format characters (a right-to-left
    mark can disguise "gpj.exe"), outer dots and spaces, at most MAX_FILENAME_CHARS
    long with its extension kept; "" if nothing is left."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _one_line(name).strip(" .")
    if len(name) <= MAX_FILENAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[:MAX_FILENAME_CHARS].rstrip(" .")
    return stem[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension


def _fallback_name(number: int, data: bytes) -> str:
    try:
        extension = filetype.guess_extension(data)
    except Exception:
        extension = None
    extension = extension or ("txt" if _is_text(data) else None)
    return f"attachment-{number}.{extension}" if extension else f"attachment-{number}"


def detected_type(data: bytes) -> str:
    """The content type of `data` by its content: what `filetype` recognises by its
    signature bytes, "text/plain" for UTF-8 text, else application/octet-stream."""
    try:
        mime = filetype.guess_mime(data)
    except Exception:  # a matcher's bug on truncated content: not that type, then
        mime = None
    if isinstance(mime, str):
        return mime
    return "text/plain" if _is_text(data) else OCTET_STREAM


def _is_text(data: bytes) -> bool:
    if not data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch in "\n\r\t\f" or unicodedata.category(ch) != "Cc" for ch in text)


# Bounces


def _bounced_message_id(msg: Message) -> str | None:
    """For a delivery status notification (multipart/report; report-type=
    delivery-status), the Message-ID of the returned mail; None otherwise."""
    for report in _parts(msg):
        if _content_type(report) != "multipart/report":
            continue
        if _param(report, "report-type") != "delivery-status":
            continue
        for part in _parts(report):
            if _content_type(part) in _RETURNED_MAIL_TYPES:
                returned = _returned_headers(part)
                message_id = _first_id(_header(returned, "Message-ID")) if returned else None
                if message_id is not None:
                    return message_id
    return None


def _returned_headers(part: Message) -> Message | None:
    """The returned mail (or its headers) in a report's message/rfc822 or
    text/rfc822-headers part."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        returned: Message = payload[0]
        return returned
    try:
        return message_from_string(_part_text(part), policy=policy.default)
    except Exception:
        return None
