"""Phone calls through Twilio: a language menu, then spoken questions answered aloud.

A call hears a greeting and the menu (1 svenska, 2 English, 3 suomi, each said
in its own language), then speaks freely: Twilio turns the speech into text
(`<Gather input="speech">` in sv-SE, en-US or fi-FI), the assistant answers as
in the chat, and the answer is said (`<Say>`), made for the ear.

Asking for a person connects the call to customer service in office hours.
Outside them, driver matters and priority 1 go to the remote measuring centre
(FMC), staffed round the clock; anything else becomes a ticket through the
assistant's hand-off form (it does not ask for a number on the phone: the
caller's number goes to the ticket's contact field), and the caller hears
when it will be handled. The caller is asked what it is about before the
decision, since "I want to talk to a person" alone says nothing about it.

Each call is a conversation of its own, keyed by the caller's pseudonym and
the call's id: an unfinished form or a question the assistant asked must not
carry over into the next call (a caller who was connected in the middle of
the hand-off form would otherwise find their next words taken as the case's
description), and a caller with an open case must still reach FMC with a new
stop. Agents reach the caller on the number in the ticket's contact field;
a call has no reply address, so nothing is queued for it.

What a call needs to know between Twilio's requests (the language chosen, how
often nothing was heard, which part of a long answer comes next, whether the
caller was just asked what their matter is) travels in the query of the URL
Twilio calls next. Twilio signs that URL with the request, so it cannot be
changed on the way; no table is needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Final, cast
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Gather, VoiceResponse

from api.addresses import address_secret, pseudonym
from api.assistant.client import RasaClient
from api.channels.base import Channel, Inbound, Turn
from api.channels.turn import admit_from_provider, handle
from api.channels.twilio import PREFIX, asks_for_more, last_answer, public_url
from api.config import Settings
from api.conversations.models import Conversation
from api.conversations.schemas import BotMessage, ChatResponse, Handoff
from api.conversations.service import find_conversation
from api.ratelimit import RateLimits
from bot.channels.plain import in_language, load_data, shorten
from bot.channels.sms import international_digits, language_from_phone
from bot.channels.speech import SPEECH_LANGUAGES, speech_text
from bot.hours import handling_text, office_hours, queue_is_always_open
from bot.language import SUPPORTED, Lang, load_rules
from bot.replies import reply, support_facts
from bot.triage import needs_person, triage

CHANNEL: Final = "voice"
MENU = {"1": "sv", "2": "en", "3": "fi"}  # as bot/data/replies.yml voice_menu_option says
MAX_MISSES = 3  # silences in a row before the call is ended
ENDINGS = ("goodbye", "thanks")
MENU_SECONDS = 6
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")


class Destination(StrEnum):
    """Where a caller who needs a person goes."""

    SUPPORT = "support"  # customer service, in office hours
    FMC = "fmc"  # the remote measuring centre, round the clock
    TICKET = "ticket"  # a case, handled when its queue opens


def destination(*, queue: str, priority: int, now: datetime) -> Destination:
    """Where a caller whose matter triages to `queue` and `priority` goes at `now`."""
    if office_hours().is_open(now):
        return Destination.SUPPORT
    if queue_is_always_open(queue) or priority == 1:
        return Destination.FMC
    return Destination.TICKET


def phone_number(settings: Settings, where: Destination) -> str:
    """The number (E.164) a call to `where` is connected to."""
    facts = support_facts()["contact"]["phone_international"]
    support = settings.support_phone_number or re.sub(r"[^\d+]", "", facts)
    if where is Destination.FMC:
        return settings.fmc_phone_number or support
    return support


@dataclass(frozen=True)
class Call:
    """The call a request of Twilio's is about."""

    sid: str
    number: str  # the caller as Twilio gives it; "anonymous" or similar when withheld

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Call | None:
        """The call, or None if the request does not name one."""
        sid = params.get("CallSid", "")
        if not _CALL_SID.fullmatch(sid):
            return None
        return cls(sid=sid, number=params.get("From", ""))

    def sender(self, secret: bytes) -> str:
        """The conversation's key: the caller's pseudonym, then the call."""
        return f"{pseudonym(secret, CHANNEL, self.number)}/{self.sid}"

    @property
    def contact(self) -> str | None:
        """The caller's number for a ticket's contact field, if it was not withheld."""
        return self.number if international_digits(self.number) else None

    @property
    def hinted_language(self) -> str:
        """The language the caller's country code suggests, or the default."""
        return language_from_phone(self.number) or load_rules().default


@dataclass(frozen=True)
class CallState:
    """What the next request of the call needs to know (see the module docstring)."""

    language: str
    misses: int = 0  # turns in a row in which nothing was heard
    more: int = 0  # the part of the last answer "more" says next; 0: none left
    person: bool = False  # out of hours, asked for a person: the next words say what about

    def query(self) -> str:
        fields = {"lang": self.language, "misses": self.misses, "more": self.more}
        return urlencode({**fields, "person": int(self.person)})

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> CallState:
        language = query.get("lang", "")
        return cls(
            language=language if language in SUPPORTED else load_rules().default,
            misses=_number(query.get("misses")),
            more=_number(query.get("more")),
            person=query.get("person") == "1",
        )


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def greet(*, settings: Settings, call: Call) -> VoiceResponse:
    """A greeting (in the language the caller's number suggests) and the language menu."""
    action = public_url(settings, f"{PREFIX}/voice/language")
    answer = VoiceResponse()
    menu = answer.gather(input="dtmf", num_digits=1, action=action, timeout=MENU_SECONDS)
    _say(menu, reply("voice_greeting", call.hinted_language), call.hinted_language)
    for language in MENU.values():
        _say(menu, reply("voice_menu_option", language), language)
    answer.redirect(action)  # no key pressed: the number's language, or Swedish
    return answer


def choose_language(*, settings: Settings, call: Call, digits: str) -> VoiceResponse:
    """The caller's choice from the menu, then the first question; a wrong key: the menu."""
    if digits and digits not in MENU:
        return greet(settings=settings, call=call)
    language = MENU.get(digits) or call.hinted_language
    return _listen(settings, CallState(language), reply("voice_prompt", language))


class PhoneCall(Channel[str, VoiceResponse]):
    """One call: what the caller said in, TwiML that says the answer out."""

    name = CHANNEL

    def __init__(
        self, db: Session, settings: Settings, call: Call, state: CallState, now: datetime
    ) -> None:
        self.db, self.settings, self.call, self.state, self.now = db, settings, call, state, now
        self.sender = call.sender(address_secret(settings))

    def receive(self, raw: str) -> Inbound:
        """What the caller said (Twilio's signature proved the call), in the menu's language."""
        return Inbound(
            channel=CHANNEL,
            sender=self.sender,
            text=raw,
            language=cast(Lang, self.state.language),
            contact=self.call.contact,
        )

    def render(self, turn: Turn) -> VoiceResponse:
        """The answer aloud; or connected, or ended. Nothing usable heard: ask again."""
        if turn.response is None:
            return _listen(self.settings, self.state, *(m.text for m in turn.messages))
        assert turn.conversation is not None
        return _respond(
            self.settings, turn.conversation, self.state, turn.response, turn.inbound.text, self.now
        )


def answer_speech(
    *,
    db: Session,
    assistant: RasaClient,
    settings: Settings,
    call: Call,
    state: CallState,
    speech: str,
    now: datetime,
    limits: RateLimits,
    client: str,
) -> VoiceResponse:
    """What the caller said, answered aloud; or connected, or ended."""
    if not speech.strip():
        return _not_heard(settings, state)
    channel = PhoneCall(db, settings, call, state, now)
    if state.more and asks_for_more(speech):
        conversation = find_conversation(db=db, channel=CHANNEL, sender=channel.sender)
        if conversation is not None:
            return _next_part(db, settings, conversation, state)
    inbound = channel.receive(speech)
    admit_from_provider(db=db, settings=settings, limits=limits, inbound=inbound, client=client)
    answer = handle(channel, speech, db=db, assistant=assistant, settings=settings)
    assert answer is not None  # every call's words are answered
    return answer


def _respond(
    settings: Settings,
    conversation: Conversation,
    state: CallState,
    response: ChatResponse,
    speech: str,
    now: datetime,
) -> VoiceResponse:
    language = response.language
    if not response.assistant_available:
        # Outside office hours FMC takes the support number's calls anyway.
        where = Destination.SUPPORT if office_hours().is_open(now) else Destination.FMC
        return _connect(settings, language, where, reply("voice_unavailable", language))
    if response.handoff is not None:
        return _case_opened(settings, response.handoff, language, now)
    if response.intent in ENDINGS:
        return _end(language, reply("voice_goodbye", language))
    if state.person or response.intent == "ask_human" or needs_person(speech):
        return _person(settings, conversation, response, now)
    return _answer(settings, language, response)


def _person(
    settings: Settings, conversation: Conversation, response: ChatResponse, now: datetime
) -> VoiceResponse:
    """The caller needs a person: connect them, or let the hand-off form go on."""
    language = response.language
    if office_hours().is_open(now):
        return _connect(settings, language, Destination.SUPPORT)
    said = [m.text for m in conversation.messages if m.author == "user" and m.intent != "ask_human"]
    if not said:  # only "a person, please": the form asks what it is about
        return _listen(settings, CallState(language, person=True), *_texts(response))
    matter = triage(" ".join(said), language, CHANNEL)
    if destination(queue=matter.queue, priority=matter.priority, now=now) is Destination.FMC:
        return _connect(settings, language, Destination.FMC)
    return _listen(settings, CallState(language), *_texts(response))


def _case_opened(
    settings: Settings, handoff: Handoff, language: str, now: datetime
) -> VoiceResponse:
    """The ticket's number and when it is handled; then connected, or goodbye."""
    handling = handling_text(handoff.queue, handoff.priority, now, language)
    said = reply("voice_case_registered", language, ticket=handoff.ticket_id, handling=handling)
    where = destination(queue=handoff.queue, priority=handoff.priority, now=now)
    if where is Destination.TICKET:
        return _end(
            language, said, reply("voice_call_back", language), reply("voice_goodbye", language)
        )
    return _connect(settings, language, where, said)


def _answer(settings: Settings, language: str, response: ChatResponse) -> VoiceResponse:
    """The assistant's answer (its first part, if long), then listening again."""
    parts = spoken_pages("\n\n".join(_texts(response)), language)
    return _say_part(settings, CallState(language), parts, 0)


def _next_part(
    db: Session, settings: Settings, conversation: Conversation, state: CallState
) -> VoiceResponse:
    latest = last_answer(db=db, conversation=conversation)
    parts = spoken_pages(latest[0], state.language) if latest else []
    if state.more >= len(parts):
        return _listen(
            settings, replace(state, more=0), reply("voice_anything_else", state.language)
        )
    return _say_part(settings, CallState(state.language), parts, state.more)


def _say_part(settings: Settings, state: CallState, parts: list[str], index: int) -> VoiceResponse:
    """Part `index` of an answer; after the last, whether there is anything else."""
    more = index + 1 if index + 1 < len(parts) else 0
    texts = [parts[index]]
    if not more and not parts[index].rstrip().endswith("?"):  # the answer asked nothing
        texts.append(speech_text(reply("voice_anything_else", state.language), state.language))
    return _listen(settings, replace(state, more=more), *texts, spoken=True)


def _not_heard(settings: Settings, state: CallState) -> VoiceResponse:
    if state.misses + 1 >= MAX_MISSES:
        return _end(state.language, reply("voice_goodbye", state.language))
    retry = replace(state, misses=state.misses + 1, more=0)
    return _listen(settings, retry, reply("voice_not_heard", state.language))


def _texts(response: ChatResponse) -> list[str]:
    return [as_spoken_text(m) for m in response.messages]


def as_spoken_text(message: BotMessage) -> str:
    """A message with its choices as sentences the caller can say back."""
    return "\n".join([message.text, *(f"{b.title}." for b in message.buttons)])


def _listen(
    settings: Settings, state: CallState, *texts: str, spoken: bool = False
) -> VoiceResponse:
    """Say `texts` (already made for the ear if `spoken`), then listen in the call's language."""
    answer = VoiceResponse()
    gather = answer.gather(
        input="speech",
        language=SPEECH_LANGUAGES[state.language],
        action=public_url(settings, f"{PREFIX}/voice/speech", state.query()),
        speech_timeout="auto",
        action_on_empty_result=True,  # silence comes back to us: "sorry, I didn't catch that"
    )
    for text in texts:
        _say(gather, text, state.language, spoken=spoken)
    return answer


def _connect(settings: Settings, language: str, where: Destination, *before: str) -> VoiceResponse:
    answer = VoiceResponse()
    key = "voice_connecting" if where is Destination.SUPPORT else "voice_connecting_fmc"
    for text in (*before, reply(key, language)):
        _say(answer, text, language)
    # The caller's own number is shown to the person who answers (Twilio's default).
    answer.dial(phone_number(settings, where))
    return answer


def _end(language: str, *texts: str) -> VoiceResponse:
    answer = VoiceResponse()
    for text in texts:
        _say(answer, text, language)
    answer.hangup()
    return answer


def _say(parent: VoiceResponse | Gather, text: str, language: str, *, spoken: bool = False) -> None:
    said = text if spoken else speech_text(text, language)
    parent.say(said, language=SPEECH_LANGUAGES[language])


def spoken_pages(text: str, language: str) -> list[str]:
    """`text` made for the ear in consecutive parts as `speech_text` caps them:
    every part but the last ends with the pointer ("Säg 'mer' för att höra resten")."""
    data = load_data("speech")
    limit = int(data["max_chars"])
    keyword = in_language(data["more_keyword"], language)
    pointer = str(in_language(data["more"], language)).format(keyword=keyword)
    parts: list[str] = []
    rest = text.strip()
    while rest:
        said = speech_text(rest, language)
        if not said.endswith(pointer):  # short enough as it is
            parts.append(said)
            break
        # Cut the text, not its spoken form: that is what "more" starts from.
        part = shorten(
            rest, lambda start: len(speech_text(start, language)) + 1 + len(pointer) <= limit
        )
        if not part:
            parts.append(said)
            break
        parts.append(f"{speech_text(part, language)} {pointer}")
        rest = rest[len(part) :].lstrip(" \n,;:")
    return parts or [""]
