"""The chat widget on another site's page, in a real browser (Debian's chromium).

The host page is served from its own origin and holds nothing but the one
script tag, so everything the widget needs (script, styles, texts, the chat
API through CORS) must come from the real API of the stack fixture.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.database import make_engine, session_factory
from bot.triage.training import QUEUES
from tests.conftest import Stack, unique
from tests.e2e.axe import assert_no_axe_violations

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
REPLY_MS = 30_000  # the first answers after start-up wait for TensorFlow to warm up

# The host's own CSS would break a widget that is not isolated from it; its
# <html lang> says en, but the tag's data-lang (sv) is what the host chose.
HOST_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Åkeri Berg AB</title>
  <style>
    html {{ font-size: 10px }} * {{ line-height: 4 }} button, textarea {{ display: none }}
  </style>
</head>
<body>
  <h1>Åkeri Berg AB</h1>
  <script src="{api}/widget.js" data-lang="sv" defer></script>
</body>
</html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host_page(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a page on another origin than the API, embedding the widget."""
    folder = tmp_path_factory.mktemp("host")
    (folder / "index.html").write_text(HOST_PAGE.format(api=stack.api), encoding="utf-8")
    # Port 0: the system picks a free port when binding, so no other process can take it first.
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with scripts/browser (as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (so a new anonymous sender) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _open_by_keyboard(page: Page) -> Locator:
    launcher = page.get_by_role("button", name="Fråga supporten")
    expect(launcher).to_be_visible()
    page.keyboard.press("Tab")  # the host page has nothing else to focus
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="VIOL 3-support")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Ditt meddelande")).to_be_focused()
    return dialog


def _say(page: Page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_a_driver_asks_in_swedish_and_switches_the_panel_to_english(
    page: Page, host_page: str, stack: Stack
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    expect(log).to_contain_text("Hej! Jag svarar på frågor om VIOL 3")

    _say(page, "Hur loggar jag in i Chaufförsklienten?")
    expect(log).to_contain_text("Hur loggar jag in i Chaufförsklienten?")
    answer = log.locator('[lang="sv"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
    expect(dialog.get_by_label("Ditt meddelande")).to_have_value("")

    dialog.get_by_label("Välj språk").select_option("en")
    dialog = page.get_by_role("dialog", name="VIOL 3 support")
    expect(dialog).to_be_visible()
    log = dialog.get_by_role("log")
    expect(page.get_by_role("button", name="Ask support")).to_be_visible()
    expect(dialog.get_by_role("button", name="Send")).to_be_visible()
    expect(log).to_contain_text("Hi! I answer questions about VIOL 3")
    # The choice in the panel wins over the language the question is written in.
    dialog.get_by_label("Your message").fill("jag kan inte logga in")
    dialog.get_by_label("Your message").press("Enter")
    answer = log.locator('[lang="en"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("log in to the driver client", timeout=REPLY_MS)

    # Nothing came from a third site: only the host page and the API were asked.
    origins = {f"{url.scheme}://{url.netloc}" for url in map(urlsplit, requested)}
    assert origins == {host_page.rstrip("/"), stack.api}, origins


def test_at_phone_width_the_panel_fills_the_screen_and_escape_closes_it(
    page: Page, host_page: str
) -> None:
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(host_page)
    launcher = page.get_by_role("button", name="Fråga supporten")
    launcher.click()
    dialog = page.get_by_role("dialog", name="VIOL 3-support")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    box = dialog.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 640}, box
    send = dialog.get_by_role("button", name="Skicka")
    send_box = send.bounding_box()
    assert send_box is not None and send_box["x"] + send_box["width"] <= 360, send_box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    log = dialog.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_accessible_name("Konversation")
    expect(dialog.get_by_role("button", name="Stäng chatten")).to_be_visible()

    dialog.get_by_label("Ditt meddelande").fill("halvskriven fråga")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Ditt meddelande")).to_have_value("halvskriven fråga")


def test_when_a_message_cannot_be_sent_the_typed_text_is_kept(page: Page, host_page: str) -> None:
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    page.route("**/api/v1/chat", lambda route: route.abort("internetdisconnected"))
    _say(page, "Koden för tvåfaktorsinloggningen kommer inte")
    log = dialog.get_by_role("log")
    expect(log).to_contain_text("Meddelandet kunde inte skickas.")
    message = dialog.get_by_label("Ditt meddelande")
    expect(message).to_have_value("Koden för tvåfaktorsinloggningen kommer inte")

    # Back online, a message the server refuses gets the server's own words.
    page.unroute("**/api/v1/chat")
    message.fill("x" * 2001)
    expect(dialog.get_by_text("1 tecken för mycket")).to_be_visible()
    message.press("Enter")
    expect(log).to_contain_text("Meddelandet är för långt (2001 tecken)", timeout=REPLY_MS)
    expect(message).to_have_value("x" * 2001)


def _agent_headers(stack: Stack, username: str, display_name: str = "Eva") -> dict[str, str]:
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as db:
        create_agent(
            db=db,
            username=username,
            display_name=display_name,
            password="pw-widget",
            role=AgentRole.AGENT,
            queues=QUEUES,
        )
    engine.dispose()
    login = {"username": username, "password": "pw-widget"}
    token = httpx.post(f"{stack.api}/api/v1/agents/login", json=login).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_an_agents_reply_appears_without_the_user_doing_anything(
    page: Page, host_page: str, stack: Stack
) -> None:
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    _say(page, "jag vill prata med en människa")
    expect(log).to_contain_text("Beskriv kort vad som har hänt", timeout=REPLY_MS)
    _say(page, "Appen visar fel vikt på mitt senaste lass")
    expect(log).to_contain_text("Vilket företag gäller det", timeout=REPLY_MS)
    _say(page, "Åkeri Berg AB, förare")
    expect(log).to_contain_text("Hur når vi dig", timeout=REPLY_MS)
    _say(page, "070-123 45 67")
    expect(log).to_contain_text("Svaret kommer här i chatten", timeout=REPLY_MS)
    found = re.search(r"Ärende (\d+) är skapat", log.inner_text())
    assert found, log.inner_text()

    agent = _agent_headers(stack, "e2e-widget-eva")
    ticket = f"{stack.api}/api/v1/tickets/{found.group(1)}"
    httpx.post(f"{ticket}/claim", headers=agent).raise_for_status()
    reply = {"text": "Hej Eva! Jag har rättat vikten, starta om appen så syns den."}
    httpx.post(f"{ticket}/reply", json=reply, headers=agent).raise_for_status()

    # A screen reader hears who is speaking before the reply.
    expect(log).to_contain_text(f"Handläggare: {reply['text']}", timeout=REPLY_MS)


def _kept(page: Page, key: str) -> str | None:
    value: str | None = page.evaluate(f"localStorage.getItem('viol3-widget.{key}')")
    return value


def test_the_conversation_is_the_browsers_own_and_a_lost_token_starts_a_new_one(
    page: Page, host_page: str, stack: Stack
) -> None:
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    _say(page, "Hur loggar jag in i Chaufförsklienten?")
    answer = log.locator('[lang="sv"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
    sender, token = _kept(page, "sender"), _kept(page, "token")
    assert sender and token

    # Knowing the sender id is not enough to read the conversation: the token is.
    messages = f"{stack.api}/api/v1/chat/messages"
    stranger = httpx.get(messages, params={"sender": sender})
    assert stranger.status_code == 403 and stranger.json()["code"] == "conversation_token"
    owner = httpx.get(messages, params={"sender": sender}, headers={"X-Conversation-Token": token})
    assert owner.status_code == 200

    # A token the server does not know for this sender (another browser's, or one
    # from before a reset): the history it asks for after the reload is refused,
    # so the widget starts a new conversation, and the message gets its answer.
    page.evaluate("localStorage.setItem('viol3-widget.token', 'not-this-conversations-token')")
    asked: list[tuple[str, str | None]] = []
    page.on(
        "request",
        lambda request: (
            asked.append((request.method, request.headers.get("x-conversation-token")))
            if "/api/v1/chat" in request.url
            else None
        ),
    )
    page.reload()
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    _say(page, "Hur loggar jag in i Chaufförsklienten?")
    answer = log.locator('[lang="sv"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
    assert asked == [("GET", "not-this-conversations-token"), ("POST", None)], asked
    assert _kept(page, "sender") not in (None, sender)
    assert _kept(page, "token") not in (None, token, "not-this-conversations-token")
    expect(log.locator(".msg.error")).to_have_count(0)
    expect(log.locator(".msg.user")).to_have_count(1)  # nothing of the old conversation


# ---- issue 14: the widget over a real day ----

SMALL_PHONE = ViewportSize(width=360, height=640)
PHONE = ViewportSize(width=390, height=780)
TABLET = ViewportSize(width=768, height=900)
DESKTOP = ViewportSize(width=1280, height=800)


def _ask_login(page: Page) -> Locator:
    """Open the panel, ask how to log in, and wait for the answer (the log)."""
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    _say(page, "Hur loggar jag in i Chaufförsklienten?")
    answer = log.locator('[lang="sv"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
    return log


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390", "768"])
def test_a_reload_keeps_the_conversation_and_a_new_conversation_clears_it(
    page: Page, host_page: str, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    page.goto(host_page)
    _ask_login(page)
    sender, token = _kept(page, "sender"), _kept(page, "token")

    page.reload()
    log = _open_by_keyboard(page).get_by_role("log")
    # The question and its answer come back from the server, links and all.
    expect(log.locator(".msg.user")).to_have_text("Du: Hur loggar jag in i Chaufförsklienten?")
    expect(log.locator('a[href="tel:+46102285900"]').first).to_be_visible()
    assert (_kept(page, "sender"), _kept(page, "token")) == (sender, token)

    # Leaving the page and coming back is the same.
    page.goto("about:blank")
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    expect(dialog.locator(".msg.user")).to_have_count(1)

    dialog.get_by_role("button", name="Ny konversation").click()
    expect(dialog.locator(".msg.user")).to_have_count(0)
    expect(dialog.get_by_role("log")).to_contain_text("Hej! Jag svarar på frågor om VIOL 3")
    expect(dialog.get_by_label("Ditt meddelande")).to_be_focused()
    assert _kept(page, "token") == "" and _kept(page, "sender") not in (None, "", sender)
    page.reload()
    expect(_open_by_keyboard(page).locator(".msg.user")).to_have_count(0)


def test_a_closed_conversation_is_not_shown_again(page: Page, host_page: str) -> None:
    # The server says a conversation is over by giving back no messages (it is
    # idle past its lifetime): the widget then starts a new one.
    page.goto(host_page)
    _ask_login(page)
    sender = _kept(page, "sender")
    page.route(
        "**/api/v1/chat/messages?*history=true*",
        lambda route: route.fulfill(json={"messages": []}),
    )
    page.reload()
    dialog = _open_by_keyboard(page)
    expect(dialog.get_by_role("log")).to_contain_text("Hej! Jag svarar på frågor om VIOL 3")
    expect(dialog.locator(".msg.user")).to_have_count(0)
    assert _kept(page, "sender") not in (None, "", sender) and _kept(page, "token") == ""


# An answer with the shapes the widget must show: paragraphs, a list, a numbered
# list, and a phone number, an e-mail address and a bare www address to link.
SHAPED = {
    "sender": "x",
    "language": "sv",
    "messages": [
        {
            "text": "Ring oss på 010-228 59 00 eller +46 10 228 59 00, eller mejla "
            "support.viol3@biometria.se.\n\n"
            "Det här finns:\n- en inspelad demo\n- Instruktion Konton & Enheter\n\n"
            "1. Öppna www.biometria.se.\n2. Välj Kontakt och Support.",
            "buttons": [],
        }
    ],
    "handoff": None,
    "conversation_token": "shaped-token",
}


def _fulfil_with(answer: Mapping[str, Any]) -> Callable[[Route], None]:
    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    return fulfil


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["360", "1280"])
def test_answers_show_paragraphs_lists_and_links(
    page: Page, host_page: str, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    page.goto(host_page)
    page.route("**/api/v1/chat", _fulfil_with(SHAPED))
    dialog = _open_by_keyboard(page)
    _say(page, "hur når jag er?")
    answer = dialog.locator(".msg.bot").last
    expect(answer.locator("p")).to_have_count(2)
    expect(answer.locator("ul > li")).to_have_text(
        ["en inspelad demo", "Instruktion Konton & Enheter"]
    )
    expect(answer.locator("ol > li")).to_have_count(2)

    national = answer.get_by_role("link", name="010-228 59 00")
    expect(national).to_have_attribute("href", "tel:+46102285900")
    expect(answer.get_by_role("link", name="+46 10 228 59 00")).to_have_attribute(
        "href", "tel:+46102285900"
    )
    expect(answer.get_by_role("link", name="support.viol3@biometria.se")).to_have_attribute(
        "href", "mailto:support.viol3@biometria.se"
    )
    www = answer.get_by_role("link", name="www.biometria.se")
    expect(www).to_have_attribute("href", "https://www.biometria.se")
    # A phone number is one unbroken line, however narrow the panel.
    expect(national).to_have_css("white-space", "nowrap")
    assert national.evaluate("a => a.getClientRects().length") == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_panel_follows_the_colour_scheme_and_passes_axe(
    browser: Browser, host_page: str, scheme: str, viewport: ViewportSize
) -> None:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(host_page)
    expect(page.get_by_role("button", name="Fråga supporten")).to_be_visible()
    assert_no_axe_violations(page, f"widget closed, {scheme}, {viewport['width']} px")

    page.route("**/api/v1/chat", _fulfil_with(SHAPED))
    dialog = _open_by_keyboard(page)
    _say(page, "hur når jag er?")
    expect(dialog.locator(".msg.bot").last.locator("ul > li")).to_have_count(2)
    dialog.get_by_role("button", name="Skicka").click()  # the empty-send hint shows too
    expect(dialog.get_by_text("Skriv din fråga i rutan först")).to_be_visible()

    panel = _luminance(dialog.evaluate("el => getComputedStyle(el).backgroundColor"))
    answer = dialog.locator(".msg.bot").last
    text = _luminance(answer.evaluate("el => getComputedStyle(el).color"))
    if scheme == "dark":
        assert panel < 0.15 and text > 0.7, (panel, text)
    else:
        assert panel > 0.85 and text < 0.2, (panel, text)
    assert_no_axe_violations(page, f"widget open, {scheme}, {viewport['width']} px")
    context.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["360", "390"])
def test_full_screen_focus_stays_in_the_panel_until_escape(
    page: Page, host_page: str, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    page.goto(host_page)
    launcher = page.get_by_role("button", name="Fråga supporten")
    dialog = _open_by_keyboard(page)
    expect(dialog).to_have_attribute("aria-modal", "true")
    inside = "() => document.activeElement?.shadowRoot?.activeElement?.closest('.panel') != null"
    # The panel has six stops (language, new, close, log, message, send): going
    # round twice in each direction never leaves it.
    for key in ["Tab"] * 14 + ["Shift+Tab"] * 14:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"focus left the panel after {key}"
    # From the first stop back to the last, and on to the first again.
    dialog.get_by_label("Välj språk").focus()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Skicka")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Välj språk")).to_be_focused()

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()


def test_an_empty_send_gets_a_gentle_hint_in_the_panels_language(
    page: Page, host_page: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.keyboard.press("Enter")
    hint = dialog.get_by_role("status")
    expect(hint).to_have_text("Skriv din fråga i rutan först, så hjälper jag dig.")
    expect(dialog.get_by_label("Ditt meddelande")).to_have_accessible_description(
        re.compile("Skriv din fråga i rutan först")
    )
    page.keyboard.type("h")
    expect(hint).to_have_text("")

    dialog.get_by_label("Välj språk").select_option("fi")
    dialog = page.get_by_role("dialog", name="VIOL 3 -tuki")
    dialog.get_by_label("Viestisi").fill("   ")
    dialog.get_by_role("button", name="Lähetä").click()
    expect(dialog.get_by_role("status")).to_have_text(
        "Kirjoita ensin kysymyksesi kenttään, niin autan mielelläni."
    )
    assert sent == []  # nothing went to the server
    expect(dialog.locator(".msg.user")).to_have_count(0)


def test_agent_replies_while_closed_are_counted_announced_and_signed(
    page: Page, host_page: str, stack: Stack
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")) as first:
        _say(page, "Vi vill beställa en ny användare till vår nya chaufför Per Berg")
    handoff = first.value.json()["handoff"]
    assert handoff is not None, first.value.json()
    expect(dialog.get_by_role("log")).to_contain_text("Vilket företag", timeout=REPLY_MS)
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="Fråga supporten")
    badge = launcher.locator(".badge")
    expect(badge).to_be_hidden()

    agent = _agent_headers(stack, unique("e2e-widget-badge"), "Maria Lind")
    ticket = f"{stack.api}/api/v1/tickets/{handoff['ticket_id']}"
    httpx.post(f"{ticket}/claim", headers=agent).raise_for_status()
    for text in ("Hej! Jag tittar på beställningen nu.", "Vilket åkeri gäller det?"):
        httpx.post(f"{ticket}/reply", json={"text": text}, headers=agent).raise_for_status()

    # Closed, the panel counts what came, and says so to screen readers.
    expect(badge).to_have_text(re.compile(r"^2"), timeout=REPLY_MS)
    expect(launcher).to_have_accessible_name(re.compile("2 olästa svar"))
    expect(page.locator("viol3-chat .root > [role=status]")).to_have_text(
        "Nytt svar från supporten"
    )

    launcher.click()
    expect(badge).to_be_hidden()
    replies = dialog.locator(".msg.agent")
    expect(replies).to_have_count(2)
    # Everyone sees who answered: the agent's name and role.
    expect(replies.first.locator(".who")).to_have_text("Maria Lind, Handläggare")
    expect(replies.first.locator(".who")).to_be_visible()
    expect(replies.first).to_contain_text("Handläggare: Hej! Jag tittar på beställningen nu.")

    # After a reload the case and the agent's replies are still there, signed.
    page.reload()
    dialog = _open_by_keyboard(page)
    expect(dialog.locator(".msg.agent .who").first).to_have_text("Maria Lind, Handläggare")
    expect(dialog.get_by_role("log")).to_contain_text("Vi vill beställa en ny användare")


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390", "768"])
def test_a_real_answer_links_the_material_its_article_names(
    page: Page, host_page: str, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    page.goto(host_page)
    dialog = _open_by_keyboard(page)
    _say(page, "var hittar jag instruktionen om kvalitetssäkrad mätning med skördare?")
    answer = dialog.locator(".msg.bot").last
    expect(answer.locator("p").first).to_contain_text("skördarmätning", timeout=REPLY_MS)
    material = answer.locator("ul > li")
    expect(material).to_have_count(1)
    expect(material.get_by_role("link")).to_have_attribute(
        "href",
        "https://www.biometria.se/media/a2sne5vx/kvalitetssakrad-maetning-med-skoerdare-2021-08-01.pdf",
    )
