"""Reading incoming mail: the new text, the flags, the ids, the attachments.

Most mails are raw bytes as the clients write them (Outlook, Gmail, Apple Mail,
Thunderbird; Swedish, English, Finnish); the rest are built with the standard
library's EmailMessage.
"""

from __future__ import annotations

import base64
import random
import struct
import time
import zlib
from email.message import EmailMessage

import pytest

from api.mail.parse import (
    MAX_BODY_CHARS,
    MAX_FILENAME_CHARS,
    MAX_SUBJECT_CHARS,
    IncomingMail,
    case_tag_stripped,
    read_mail,
    reply_subject_prefix_stripped,
    subject_with_case,
)

SUPPORT = "support@biometria.se"


def crlf(text: str, charset: str = "utf-8") -> bytes:
    """`text` as a mail on the wire: CRLF line ends."""
    return text.replace("\n", "\r\n").encode(charset)


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def built(body: str = "Hej, jag kan inte logga in.", **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "Anna Andersson <anna@skogsbolaget.se>")
    mail["To"] = SUPPORT
    mail["Subject"] = headers.pop("Subject", "Inloggning")
    mail["Message-ID"] = "<a1@skogsbolaget.se>"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


OUTLOOK_SV = crlf(
    """\
Received: from AM6PR05MB1234.eurprd05.prod.outlook.com ([fe80::1]) by
 AM6PR05MB1234.eurprd05.prod.outlook.com with mapi id 15.20.7611.021;
 Tue, 1 Dec 2026 09:20:11 +0000
From: Anna Andersson <Anna.Andersson@Skogsbolaget.se>
To: Biometria support <support@biometria.se>
Subject: =?iso-8859-1?Q?SV:_Inloggning_i_VIOL_3_[=C4rende_123]?=
Thread-Topic: Inloggning i VIOL 3
Thread-Index: AQHZq1b2c3d4e5f6g7h8i9j0
Date: Tue, 1 Dec 2026 09:20:11 +0000
Message-ID: <AM6PR05MB1234ABCD@AM6PR05MB1234.eurprd05.prod.outlook.com>
References: <case-123-1@biometria.se>
 <case-123-2@biometria.se>
In-Reply-To: <case-123-2@biometria.se>
Accept-Language: sv-SE, en-US
Content-Language: sv-SE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
\tboundary="_000_AM6PR05MB1234ABCD_"
MIME-Version: 1.0

--_000_AM6PR05MB1234ABCD_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Hej,

Jag f=E5r fortfarande felet "Ogiltig inloggning" n=E4r jag loggar in i VIOL=
 3 fr=E5n Chauff=F6rsklienten.

Med v=E4nliga h=E4lsningar
Anna Andersson
Skogsbolaget AB

Fr=E5n: Biometria support <support@biometria.se>
Skickat: den 1 december 2026 09:15
Till: Anna Andersson <Anna.Andersson@Skogsbolaget.se>
=C4mne: Inloggning i VIOL 3 [=C4rende 123]

Hej Anna! Prova att logga ut och in igen.

--_000_AM6PR05MB1234ABCD_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
=3Diso-8859-1"></head><body><p>Hej,</p><p>Jag f=E5r fortfarande felet</p>
</body></html>

--_000_AM6PR05MB1234ABCD_--
"""
)

GMAIL_EN = crlf(
    """\
MIME-Version: 1.0
References: <case-7-1@biometria.se>
In-Reply-To: <case-7-1@biometria.se>
From: John Smith <john.smith@gmail.com>
Date: Tue, 1 Dec 2026 10:02:33 +0100
Message-ID: <CAF=abc123+XyZ0@mail.gmail.com>
Subject: Re: [Case 7] Weight note missing
To: Biometria support <support@biometria.se>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

--000000000000a1b2c3d4e5f6
Content-Type: text/plain; charset="UTF-8"

Thanks, but the weight note for load 4711 is still missing in VIOL 3.
Could someone check it?

John

On Tue, Dec 1, 2026 at 9:15 AM Biometria support <support@biometria.se>
wrote:

> Hi John, the note should show up within an hour.
>

--000000000000a1b2c3d4e5f6
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Thanks, but the weight note for load 4711 is still missing =
in VIOL 3.<div>Could someone check it?</div></div><br><div class=3D"gmail_q=
uote"><div dir=3D"ltr" class=3D"gmail_attr">On Tue, Dec 1, 2026 at 9:15 AM =
Biometria support &lt;<a href=3D"mailto:support@biometria.se">support@biome=
tria.se</a>&gt; wrote:<br></div><blockquote class=3D"gmail_quote">Hi John, =
the note should show up within an hour.</blockquote></div>

--000000000000a1b2c3d4e5f6--
"""
)

APPLE_FI = crlf(
    """\
From: =?utf-8?Q?Matti_Meik=C3=A4l=C3=A4inen?= <Matti.Meikalainen@metsa.fi>
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
Subject: Re: [Tiketti 321] Mittaustodistus puuttuu
Date: Tue, 1 Dec 2026 09:40:02 +0200
References: <case-321-1@biometria.se>
To: Biometria tuki <support@biometria.se>
In-Reply-To: <case-321-1@biometria.se>
Message-Id: <5E1F2C0B-8A77-4F0A-9C44-2B1D3E4F5A6B@metsa.fi>
X-Mailer: Apple Mail (2.3774.600.62)

Mittaustodistus kuormalle 4711 ei n=C3=A4y viel=C3=A4k=C3=A4=C3=A4n VIOL 3:ss=
a.

Terveisin
Matti

> 1.12.2026 kello 9.15 Biometria tuki <support@biometria.se> kirjoitti:
>=20
> Hei Matti, todistus n=C3=A4kyy tunnin sis=C3=A4ll=C3=A4.
"""
)

GMAIL_FI = crlf(
    """\
MIME-Version: 1.0
From: Matti Virtanen <matti.virtanen@gmail.com>
Date: Tue, 1 Dec 2026 10:02:33 +0200
Message-ID: <CAB+9fi2026@mail.gmail.com>
Subject: VS: [Tiketti 44] Kuljetusilmoitus
To: support@biometria.se
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

Kiitos, mutta kuljetusilmoitus ei vieläkään näy.

Ystävällisin terveisin
Matti Virtanen

ti 1.12.2026 klo 9.15 Biometria tuki <
support@biometria.se> kirjoitti:

> Hei, ilmoitus näkyy huomenna.
"""
)

THUNDERBIRD_SV = crlf(
    """\
Message-ID: <7d2c8a5e-1f3b-4c6d-9e8f-0a1b2c3d4e5f@skogsagarna.se>
Date: Tue, 1 Dec 2026 11:05:44 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Re: [Ärende 55] Fel i virkesorder
Content-Language: sv-SE
To: Biometria support <support@biometria.se>
References: <case-55-1@biometria.se>
From: Per Persson <per@skogsagarna.se>
In-Reply-To: <case-55-1@biometria.se>
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hej!

Virkesordern 2026-118 visar fortfarande fel sortiment trots att jag 
ändrade den i går.

-- 
Per Persson
Skogsägarna

Den 2026-12-01 kl. 09:15, skrev Biometria support:
> Hej Per, ändra sortimentet i ordern så rättar det sig.
"""
)

_OUTLOOK_FI_HTML = """\
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
</head>
<body dir="ltr">
<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">Hei,</div>
<div style="font-family: Calibri"><br></div>
<div style="font-family: Calibri">En p&auml;&auml;se kirjautumaan, vaikka vaihdoin
  salasanan <a href="https://www.biometria.se/mina-sidor">Omilla sivuilla</a>.</div>
<div><br></div>
<div>Liisa</div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">
<b>Lähettäjä:</b> Biometria tuki &lt;support@biometria.se&gt;<br>
<b>Lähetetty:</b> tiistai 1. joulukuuta 2026 9.15<br>
<b>Vastaanottaja:</b> Liisa Virtanen &lt;Liisa.Virtanen@Sahayhtio.fi&gt;<br>
<b>Aihe:</b> [Tiketti 900] Kirjautuminen</font>
<div>&nbsp;</div></div>
<div>Hei Liisa, vaihda salasana Omilla sivuilla.</div>
</body></html>
"""

OUTLOOK_FI_HTML_ONLY = crlf(
    """\
From: Liisa Virtanen <Liisa.Virtanen@Sahayhtio.fi>
To: Biometria tuki <support@biometria.se>
Subject: VS: [Tiketti 900] Kirjautuminen
Date: Tue, 1 Dec 2026 09:30:00 +0000
Message-ID: <HE1PR0701MB2345@HE1PR0701MB2345.eurprd07.prod.outlook.com>
In-Reply-To: <case-900-1@biometria.se>
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

"""
) + base64.encodebytes(_OUTLOOK_FI_HTML.encode()).replace(b"\n", b"\r\n")


def test_outlook_swedish_reply_keeps_the_new_text_without_signature_or_quote() -> None:
    mail = read_mail(OUTLOOK_SV, own_addresses=[SUPPORT])
    assert mail.text == (
        'Hej,\n\nJag får fortfarande felet "Ogiltig inloggning" när jag loggar in i VIOL 3'
        " från Chaufförsklienten."
    )
    assert mail.sender == "anna.andersson@skogsbolaget.se"
    assert mail.sender_name == "Anna Andersson"
    assert mail.subject == "SV: Inloggning i VIOL 3 [Ärende 123]"
    assert mail.case_number == 123
    assert mail.message_id == "<AM6PR05MB1234ABCD@AM6PR05MB1234.eurprd05.prod.outlook.com>"
    assert mail.in_reply_to == "<case-123-2@biometria.se>"
    assert mail.references == ("<case-123-1@biometria.se>", "<case-123-2@biometria.se>")
    assert not mail.automatic
    assert mail.bounce_of is None
    assert mail.attachments == () and mail.too_large == ()


def test_gmail_english_reply_keeps_a_thanks_that_starts_a_sentence() -> None:
    mail = read_mail(GMAIL_EN)
    assert mail.text == (
        "Thanks, but the weight note for load 4711 is still missing in VIOL 3.\n"
        "Could someone check it?\n\nJohn"
    )
    assert mail.case_number == 7
    assert mail.message_id == "<CAF=abc123+XyZ0@mail.gmail.com>"


def test_gmail_html_alternative_alone_gives_the_same_text_without_the_quote() -> None:
    html_only = GMAIL_EN.replace(
        b'Content-Type: text/plain; charset="UTF-8"', b"Content-Type: application/x-dropped"
    )
    mail = read_mail(html_only)
    assert mail.text == (
        "Thanks, but the weight note for load 4711 is still missing in VIOL 3.\n"
        "Could someone check it?"
    )


def test_apple_mail_finnish_reply_is_cut_at_the_closing_and_the_quoted_attribution() -> None:
    mail = read_mail(APPLE_FI)
    assert mail.text == "Mittaustodistus kuormalle 4711 ei näy vieläkään VIOL 3:ssa."
    assert mail.sender == "matti.meikalainen@metsa.fi"
    assert mail.sender_name == "Matti Meikäläinen"
    assert mail.case_number == 321
    assert mail.message_id == "<5E1F2C0B-8A77-4F0A-9C44-2B1D3E4F5A6B@metsa.fi>"


def test_gmail_finnish_reply_with_a_wrapped_attribution_line() -> None:
    mail = read_mail(GMAIL_FI)
    assert mail.text == "Kiitos, mutta kuljetusilmoitus ei vieläkään näy."
    assert mail.case_number == 44


def test_thunderbird_swedish_flowed_text_is_joined_and_cut_at_the_signature_separator() -> None:
    mail = read_mail(THUNDERBIRD_SV)
    assert mail.text == (
        "Hej!\n\nVirkesordern 2026-118 visar fortfarande fel sortiment trots att jag ändrade"
        " den i går."
    )
    assert mail.case_number == 55


def test_outlook_finnish_html_only_mail_is_read_as_text_up_to_the_header_block() -> None:
    mail = read_mail(OUTLOOK_FI_HTML_ONLY)
    assert mail.text == (
        "Hei,\n\nEn pääse kirjautumaan, vaikka vaihdoin salasanan Omilla sivuilla.\n\nLiisa"
    )
    assert "https://" not in mail.text and "Calibri" not in mail.text
    assert mail.case_number == 900


def test_html_drops_scripts_and_styles_keeps_blocks_apart_and_quotes_blockquotes() -> None:
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
        "<p>Hej,</p><p>Jag behöver hjälp med:</p><ul><li>inloggning</li><li>rapporter</li></ul>"
        '<p>Se <a href="https://example.se/bild">skärmbilden</a>.</p>'
        "<div>Den tis 1 dec. 2026 kl 09:15 skrev Biometria support &lt;"
        "support@biometria.se&gt;:</div>"
        '<blockquote type="cite"><p>Hej Anna</p><blockquote><p>äldre</p></blockquote></blockquote>'
        "</body></html>"
    )
    mail = built()
    mail.set_content(html, subtype="html")
    text = read_mail(mail.as_bytes()).text
    assert text == "Hej,\n\nJag behöver hjälp med:\n\ninloggning\nrapporter\n\nSe skärmbilden."


def test_an_empty_plain_part_gives_way_to_the_html_one() -> None:
    mail = built("")
    mail.add_alternative("<p>Hej från <b>HTML</b></p>", subtype="html")
    assert read_mail(mail.as_bytes()).text == "Hej från HTML"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        pytest.param(
            "Hej,\n\nProblem med:\n- inloggning\n- rapporter\n\nMvh Anna\n",
            "Hej,\n\nProblem med:\n- inloggning\n- rapporter",
            id="a hyphen list is not a signature",
        ),
        pytest.param(
            "Det fungerar inte.\n\nHälsningar från Anna\nSkogsbolaget\n",
            "Det fungerar inte.",
            id="sv closing with a name",
        ),
        pytest.param(
            "Hi,\n\nThanks, but it still fails.\n\nBest regards,\nJohn\n",
            "Hi,\n\nThanks, but it still fails.",
            id="en: a sentence after Thanks, then the real closing",
        ),
        pytest.param(
            "Moi,\nei toimi.\n\nLähettäjä: Tuki <tuki@biometria.fi>\nLähetetty: tiistai 1. "
            "joulukuuta 2026 9.15\nVastaanottaja: Matti\nAihe: VS: Kirjautuminen\n\nvanha\n",
            "Moi,\nei toimi.",
            id="fi Outlook header block",
        ),
        pytest.param(
            "Ei toimi.\n\nMatti Meikäläinen kirjoitti 1.12.2026 klo 9.15:\n> vanha\n",
            "Ei toimi.",
            id="fi Thunderbird attribution",
        ),
        pytest.param(
            "Toimii nyt!\n\nLähetetty iPhonesta\n\n1.12.2026 kello 9.15 Tuki <t@x.fi> kirjoitti:\n",
            "Toimii nyt!",
            id="fi sent from my iPhone",
        ),
        pytest.param(
            "Kuorma ei näy.\n\nLähettäjä: Metsä Oy\nVastaanottaja: Saha Oy\n\nMatti\n",
            "Kuorma ei näy.\n\nLähettäjä: Metsä Oy\nVastaanottaja: Saha Oy\n\nMatti",
            id="fi consignment lines are not a header block",
        ),
        pytest.param(
            "Ok nu.\n\n-----Ursprungligt meddelande-----\nFrån: Support\nSkickat: i går\n\nx\n",
            "Ok nu.",
            id="sv Outlook separator",
        ),
        pytest.param(
            "Det fungerar nu.\n\n1 dec. 2026 kl. 09:15 skrev Anna <a@x.se>:\n\n> gammalt\n",
            "Det fungerar nu.",
            id="sv Apple attribution",
        ),
        pytest.param(
            "Tack!\n\nDen 1 dec. 2026 kl. 09:15 skrev Anna <a@x.se>:\n> gammalt\n",
            "Tack!",
            id="sv Gmail attribution",
        ),
        pytest.param(
            "On Tue, Dec 1, 2026 at 9:15 AM Support <support@x.se> wrote:\n> old question\n\n"
            "My answer below the quote\n",
            "My answer below the quote",
            id="written below the quote",
        ),
        pytest.param(
            "---------- Forwarded message ---------\nFrom: Anna <a@x.se>\nDate: Tue, Dec 1, 2026\n"
            "Subject: Error\nTo: <b@x.se>\n\nThe error text\n",
            "The error text",
            id="a forward with nothing written above it",
        ),
        pytest.param(
            "\n________________________________\nFrån: Anna <a@x.se>\nSkickat: den 1 december 2026"
            " 09:15\nTill: Per <p@x.se>\nÄmne: Fel i order\n\nOrdern 2026-118 är fel.\n",
            "Ordern 2026-118 är fel.",
            id="an Outlook forward with nothing written above it",
        ),
        pytest.param(
            "---------- Välitetty viesti ---------\nLähettäjä: Matti <m@x.fi>\nDate: ti 1.12.2026\n"
            "Subject: Virhe\nTo: <b@x.fi>\n\nVirheilmoitus tässä\n",
            "Virheilmoitus tässä",
            id="fi Gmail forward, field names mixed",
        ),
        pytest.param(
            "Svar här\n\nPå tirsdag skrev Ola Nordmann:\n> gammel\n> mer\n",
            "Svar här",
            id="a quote under an attribution in a language nobody knows",
        ),
        pytest.param(
            "ti 1.12.2026 klo 9.15 Tuki <t@x.fi> kirjoitti:\n> vanha\n",
            "",
            id="nothing new",
        ),
    ],
)
def test_the_new_text_is_what_the_sender_wrote(body: str, text: str) -> None:
    assert read_mail(built(body).as_bytes()).text == text


def test_attachments_are_typed_by_their_content_and_never_in_the_text() -> None:
    mail = built("Se bifogade filer.\n")
    mail.add_attachment(png(), maintype="image", subtype="png", filename="skärmbild.png")
    mail.add_attachment(PDF, maintype="image", subtype="jpeg", filename="foto.jpg")  # it lies
    mail.add_attachment(
        b"12:00 ERROR login failed\n",
        maintype="application",
        subtype="octet-stream",
        filename="viol3.log",
    )
    mail.add_attachment(
        b"\x00\x01\x02\x03binary",
        maintype="application",
        subtype="pdf",
        filename="..\\..\\Windows\\evil\u202egpj.exe",
    )
    read = read_mail(mail.as_bytes())
    assert read.text == "Se bifogade filer."
    found = [(a.filename, a.content_type) for a in read.attachments]
    assert found == [
        ("skärmbild.png", "image/png"),
        ("foto.jpg", "application/pdf"),
        ("viol3.log", "text/plain"),
        ("evilgpj.exe", "application/octet-stream"),
    ]
    assert read.attachments[0].data == png()
    assert read.attachments[1].data == PDF
    assert "ERROR" not in read.text
    assert "data=" not in repr(read.attachments[0])  # logs never get the content


def test_an_attachment_over_the_limit_is_left_out_and_named() -> None:
    mail = built("Två filer.\n")
    mail.add_attachment(png(), maintype="image", subtype="png", filename="liten.png")
    mail.add_attachment(PDF * 100, maintype="application", subtype="pdf", filename="stor.pdf")
    read = read_mail(mail.as_bytes(), max_attachment_bytes=len(PDF) * 10)
    assert [a.filename for a in read.attachments] == ["liten.png"]
    assert read.too_large == ("stor.pdf",)


ATTACHMENTS = (
    crlf(
        """\
From: Anna <anna@skogsbolaget.se>
To: support@biometria.se
Subject: =?utf-8?B?TcOkdGJlc2tlZA==?=
Message-ID: <m1@skogsbolaget.se>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset="utf-8"

Mätbeskedet bifogat.
--b1
Content-Type: application/pdf; name="=?utf-8?Q?M=C3=A4tbesked_4711.pdf?="
Content-Disposition: attachment; filename*=utf-8''M%C3%A4tbesked%204711.pdf
Content-Transfer-Encoding: base64

"""
    )
    + base64.encodebytes(PDF)
    + crlf(
        """\
--b1
Content-Type: application/pdf; name="kvitto.pdf"
Content-Disposition: inline; filename="kvitto.pdf"
Content-Transfer-Encoding: base64

"""
    )
    + base64.encodebytes(PDF)
    + crlf(
        """\
--b1
Content-Type: image/png
Content-Disposition: attachment
Content-Transfer-Encoding: base64

"""
    )
    + base64.encodebytes(png())
    + b"--b1--\r\n"
)


def test_outlook_attachment_with_an_encoded_name_and_apple_inline_pdf() -> None:
    read = read_mail(ATTACHMENTS)
    assert read.subject == "Mätbesked"
    assert read.text == "Mätbeskedet bifogat."
    assert [(a.filename, a.content_type) for a in read.attachments] == [
        ("Mätbesked 4711.pdf", "application/pdf"),
        ("kvitto.pdf", "application/pdf"),
        ("attachment-3.png", "image/png"),
    ]


def test_a_long_filename_is_cut_keeping_its_extension() -> None:
    mail = built()
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="x" * 300 + ".pdf")
    (attachment,) = read_mail(mail.as_bytes()).attachments
    assert len(attachment.filename) == MAX_FILENAME_CHARS
    assert attachment.filename.endswith("x.pdf")


def test_a_text_file_attached_is_not_the_body() -> None:
    mail = EmailMessage()
    mail["From"] = "anna@skogsbolaget.se"
    mail.set_content("rad 1\nrad 2\n", disposition="attachment", filename="export.csv")
    read = read_mail(mail.as_bytes())
    assert read.text == ""
    assert [(a.filename, a.content_type) for a in read.attachments] == [
        ("export.csv", "text/plain")
    ]


OUTLOOK_AUTO_REPLY = crlf(
    """\
From: Anna Andersson <anna.andersson@skogsbolaget.se>
To: Biometria support <support@biometria.se>
Subject: =?iso-8859-1?Q?Automatiskt_svar:_[=C4rende_123]_Inloggning_i_VIOL_3?=
Date: Tue, 1 Dec 2026 09:16:30 +0000
Message-ID: <a0b1c2d3e4f5@AM6PR05MB1234.eurprd05.prod.outlook.com>
In-Reply-To: <case-123-2@biometria.se>
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: anna.andersson@skogsbolaget.se
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Jag =E4r ledig till och med den 4 januari och l=E4ser inte e-post.
""",
    "ascii",
)


def test_outlook_automatic_reply_is_automatic_and_keeps_its_case_number() -> None:
    mail = read_mail(OUTLOOK_AUTO_REPLY)
    assert mail.automatic
    assert mail.bounce_of is None
    assert mail.case_number == 123
    assert mail.text == "Jag är ledig till och med den 4 januari och läser inte e-post."


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": 'auto-generated; owner-email="x@y.se"'},
        {"Precedence": "bulk"},
        {"Precedence": "List"},
        {"Precedence": "junk"},
        {"List_Id": "VIOL 3 användare <viol3.lists.biometria.se>"},
        {"List_Unsubscribe": "<mailto:unsubscribe@lists.example.se>"},
        {"X_Autoreply": "yes"},
        {"X_Autorespond": "Frånvaromeddelande"},
        {"X_Auto_Response_Suppress": "OOF", "X_Autoreply": "yes"},
        {"From": "MAILER-DAEMON@mx.skogsbolaget.se (Mail Delivery System)"},
        {"From": "Postmaster <postmaster@skogsbolaget.se>"},
        {"Return_Path": "<>"},
        {"From": "Biometria support <Support@Biometria.SE>"},
    ],
)
def test_automatic_mail(headers: dict[str, str]) -> None:
    assert read_mail(built(**headers).as_bytes(), own_addresses=[SUPPORT]).automatic


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Auto_Submitted": "no"},
        {"X_Auto_Response_Suppress": "All"},  # Outlook puts it on ordinary mail too
        {"Precedence": "first-class"},
        {"Return_Path": "<anna@skogsbolaget.se>"},
    ],
)
def test_mail_from_a_person_is_not_automatic(headers: dict[str, str]) -> None:
    assert not read_mail(built(**headers).as_bytes(), own_addresses=[SUPPORT]).automatic


def test_own_addresses_may_be_given_as_one_string() -> None:
    assert read_mail(built(From=SUPPORT).as_bytes(), own_addresses=SUPPORT).automatic


POSTFIX_BOUNCE = crlf(
    """\
Return-Path: <>
Delivered-To: support@biometria.se
Date: Tue,  1 Dec 2026 09:16:02 +0100 (CET)
From: MAILER-DAEMON@mx1.biometria.se (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@biometria.se
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4C1B2A3D4E.1764576962/mx1.biometria.se"
Content-Transfer-Encoding: 8bit
Message-Id: <20261201081602.5F0A1B2C3D@mx1.biometria.se>

This is a MIME-encapsulated message.

--4C1B2A3D4E.1764576962/mx1.biometria.se
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx1.biometria.se.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<anna@skogsbolag.se>: host mx.skogsbolag.se[192.0.2.10] said: 550 5.1.1
    <anna@skogsbolag.se>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

--4C1B2A3D4E.1764576962/mx1.biometria.se
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.biometria.se
X-Postfix-Queue-ID: 4C1B2A3D4E
X-Postfix-Sender: rfc822; support@biometria.se
Arrival-Date: Tue,  1 Dec 2026 09:16:01 +0100 (CET)

Final-Recipient: rfc822; anna@skogsbolag.se
Original-Recipient: rfc822;anna@skogsbolag.se
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.skogsbolag.se
Diagnostic-Code: smtp; 550 5.1.1 <anna@skogsbolag.se>: Recipient address
    rejected: User unknown

--4C1B2A3D4E.1764576962/mx1.biometria.se
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <support@biometria.se>
Received: by mx1.biometria.se (Postfix, from userid 0)
\tid 4C1B2A3D4E; Tue,  1 Dec 2026 09:16:01 +0100 (CET)
From: Biometria support <support@biometria.se>
To: anna@skogsbolag.se
Subject: [Ärende 123] Inloggning i VIOL 3
Message-ID: <case-123-2@biometria.se>
Date: Tue, 1 Dec 2026 09:16:01 +0100

--4C1B2A3D4E.1764576962/mx1.biometria.se--
"""
)


def test_postfix_bounce_names_the_mail_that_bounced() -> None:
    mail = read_mail(POSTFIX_BOUNCE)
    assert mail.bounce_of == "<case-123-2@biometria.se>"
    assert mail.automatic
    assert mail.attachments == ()
    assert "User unknown" in mail.text
    assert "case-123-2" not in mail.text


def test_a_bounce_returning_the_whole_mail_and_no_other_sign_is_automatic() -> None:
    original = built("Hej Anna, här är svaret.", From=f"Biometria <{SUPPORT}>")
    original.replace_header("Message-ID", "<case-9-1@biometria.se>")
    returned = EmailMessage()
    returned.set_content(original)  # message/rfc822, as an MTA returns it
    report = EmailMessage()
    report["From"] = "Mail Delivery Subsystem <noreply@relay.example.se>"
    report["To"] = SUPPORT
    report["Subject"] = "Delivery Status Notification (Failure)"
    report.set_content("Your message could not be delivered.")
    report.make_mixed()
    report.attach(returned)
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    mail = read_mail(report.as_bytes())
    assert mail.bounce_of == "<case-9-1@biometria.se>"
    assert mail.automatic
    assert mail.text == "Your message could not be delivered."


def test_a_read_receipt_is_automatic_but_no_bounce() -> None:
    receipt = built("Läst.")
    receipt.make_mixed()
    receipt.set_type("multipart/report")
    receipt.set_param("report-type", "disposition-notification")
    mail = read_mail(receipt.as_bytes())
    assert mail.automatic
    assert mail.bounce_of is None


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("SV: [Ärende 123] Inloggning", 123),
        ("Re: Re: [Case 7] Weight note", 7),
        ("VS: [Tiketti 321] Mittaus", 321),
        ("Fwd: ärende #88 hjälp", 88),
        ("RE: Question, case no. 45", 45),
        ("tiketti 12 ei toimi", 12),
        ("Ärendenr: 5 – uppföljning", 5),
        ("Re: about case 3 [Case 40]", 40),  # our own bracketed tag goes first
        ("Inloggning i VIOL 3", None),
        ("What to do in case 2FA fails", None),
        ("Showcase 12", None),
    ],
)
def test_case_number_in_the_subject(subject: str, number: int | None) -> None:
    assert read_mail(built(Subject=subject).as_bytes()).case_number == number


@pytest.mark.parametrize(
    ("subject", "case", "language", "expected"),
    [
        ("Inloggning", 123, "sv", "Re: [Ärende 123] Inloggning"),
        ("Re: Inloggning", 123, "sv", "Re: [Ärende 123] Inloggning"),
        ("SV: Re: [Ärende 123] Inloggning", 123, "sv", "Re: [Ärende 123] Inloggning"),
        ("RE: [Case 7] Weight note", 7, "en", "Re: [Case 7] Weight note"),
        ("VS: Kirjautuminen", 9, "fi", "Re: [Tiketti 9] Kirjautuminen"),
        ("Re: [Case 9] Kirjautuminen", 9, "fi", "Re: [Tiketti 9] Kirjautuminen"),
        ("Re[2]: Fwd: Inloggning", 4, "sv", "Re: [Ärende 4] Inloggning"),
        ("", 5, "en", "Re: [Case 5]"),
        ("Hej", 6, "de", "Re: [Ärende 6] Hej"),
    ],
)
def test_subject_with_case(subject: str, case: int, language: str, expected: str) -> None:
    assert subject_with_case(subject, case, language) == expected
    assert subject_with_case(expected, case, language) == expected


def test_reply_prefixes_are_stripped_but_not_words_that_start_alike() -> None:
    assert reply_subject_prefix_stripped("SV: VS: AW: Re:  Svar om  revision") == "Svar om revision"


def test_the_thread_subject_has_no_case_tag_and_no_prefixes() -> None:
    assert case_tag_stripped("SV: Re: [Ärende 123] Inloggning [Case 9]") == "Inloggning"
    assert case_tag_stripped("Re: ärende 5 gäller fakturan") == "ärende 5 gäller fakturan"


def test_ids_and_subject_are_read_as_written() -> None:
    raw = crlf(
        "From: anna@skogsbolaget.se\n"
        "Subject: =?utf-8?q?Inloggning_i?=\n =?utf-8?q?_VIOL_3?=\t  " + "lång " * 100 + "\n"
        "Message-ID: <a1@skogsbolaget.se>\n"
        "In-Reply-To: <case-1@biometria.se> (Annas meddelande från tisdag)\n"
        "References: <case-1@biometria.se>\n <case-1@biometria.se> <x2@skogsbolaget.se>\n"
        "\nhej\n"
    )
    read = read_mail(raw)
    assert read.subject.startswith("Inloggning i VIOL 3 lång lång")
    assert len(read.subject) <= MAX_SUBJECT_CHARS and "  " not in read.subject
    assert read.in_reply_to == "<case-1@biometria.se>"
    assert read.references == ("<case-1@biometria.se>", "<x2@skogsbolaget.se>")
    assert read.message_id == "<a1@skogsbolaget.se>"


def test_no_from_and_no_ids() -> None:
    read = read_mail(b"Subject: hej\r\n\r\nbara text\r\n")
    assert (read.sender, read.sender_name, read.message_id, read.in_reply_to) == (
        "",
        "",
        None,
        None,
    )
    assert read.text == "bara text"
    assert read.references == ()
    assert not read.automatic


def test_broken_from_header() -> None:
    read = read_mail(b'From: <<<@@@>>> "unterminated\r\nSubject: x\r\n\r\nhej\r\n')
    assert isinstance(read.sender, str)
    assert read.text == "hej"


def test_unknown_charset_in_the_body_falls_back_to_utf8() -> None:
    raw = crlf(
        "From: a@b.se\nContent-Type: text/plain; charset=x-klingon\n\nHej då, det gick bra.\n"
    )
    assert read_mail(raw).text == "Hej då, det gick bra."


def test_mislabelled_and_unlabelled_8bit_text() -> None:
    ascii_label = crlf("From: a@b.se\nContent-Type: text/plain; charset=us-ascii\n\nSå här.\n")
    assert read_mail(ascii_label).text == "Så här."
    latin = "From: a@b.se\r\nContent-Type: text/plain\r\n\r\nS\xe5 h\xe4r.\r\n".encode("latin-1")
    assert read_mail(latin).text == "Så här."


def test_unknown_charset_and_raw_bytes_in_headers() -> None:
    raw = (
        b"From: =?x-unknown?q?Anna?= <anna@skogsbolaget.se>\r\n"
        b"Subject: =?x-unknown?q?f=E5?= och r\xe5 latin-1 och \xc3\xa4kta utf-8\r\n"
        b"\r\nhej\r\n"
    )
    read = read_mail(raw)
    assert read.sender == "anna@skogsbolaget.se"
    assert "äkta utf-8" in read.subject
    read.subject.encode("utf-8")  # no surrogates left: it can be stored


def test_broken_base64_and_quoted_printable() -> None:
    raw = crlf(
        "From: a@b.se\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "SGVqIGTDpQ=!!@@\n--x\nContent-Type: image/png; name=a.png\n"
        "Content-Transfer-Encoding: base64\n\n%%%%\n--x\n"
        "Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>=ZZ=\n"
    )  # and no closing boundary
    read = read_mail(raw)
    assert isinstance(read, IncomingMail)
    assert read.text.startswith("Hej d")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff" * 500,
        random.Random(1).randbytes(4000),
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
        b"Content-Type: text/html\r\n\r\n<![if x]><p>hej</p><!-- unterminated",
        b'From: a@b.se\r\nContent-Type: text/plain; charset="utf-8\x00"\r\n\r\nhej\r\n',
    ],
    ids=["empty", "binary", "random", "empty boundary", "broken html", "nul in charset"],
)
def test_garbage_still_gives_a_mail(raw: bytes) -> None:
    read = read_mail(raw)
    assert isinstance(read, IncomingMail)
    assert isinstance(read.text, str)


def test_absurd_nesting_still_gives_the_headers() -> None:
    raw = b"From: a@b.se\r\nSubject: djup\r\n"
    for depth in range(3000):
        raw += b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (depth, depth)
    raw += b"Content-Type: text/plain\r\n\r\nhej\r\n"
    read = read_mail(raw)
    assert (read.sender, read.subject) == ("a@b.se", "djup")


@pytest.mark.parametrize(
    "sample", [OUTLOOK_SV, APPLE_FI, POSTFIX_BOUNCE, OUTLOOK_FI_HTML_ONLY, ATTACHMENTS]
)
def test_damaged_real_mails_never_raise(sample: bytes) -> None:
    rng = random.Random(sample[:64])
    for _ in range(60):
        damaged = bytearray(sample)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = rng.randrange(len(damaged) + 1)
        read = read_mail(bytes(damaged[:cut]))
        assert isinstance(read.text, str) and isinstance(read.subject, str)


def test_a_long_line_that_starts_like_an_attribution_is_read_quickly_and_kept() -> None:
    line = "Den " + "skrev jag om leveransen " * 200  # the parser's patterns are cubic in it
    started = time.monotonic()
    read = read_mail(built(f"{line}\n\nMvh Anna\n").as_bytes())
    assert time.monotonic() - started < 5
    assert read.text == line.strip()


def test_html_with_many_blocks_is_read_quickly() -> None:
    mail = built()
    mail.set_content("<div>rad</div>" * 20_000, subtype="html")
    started = time.monotonic()
    read = read_mail(mail.as_bytes())
    assert time.monotonic() - started < 5
    assert set(read.text.split("\n")) == {"rad"}  # a line each
    assert len(read.text) <= MAX_BODY_CHARS
