"""The chat widget on another site's page, in a real browser (Debian's chromium).

The host page is served from its own origin and holds nothing but the one
script tag, so everything the widget needs (script, styles, texts, the chat
API through CORS) must come from the real API of the stack fixture.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.database import make_engine, session_factory
from bot.triage.training import QUEUES
from tests.conftest import Stack

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


def _agent_headers(stack: Stack, username: str) -> dict[str, str]:
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as db:
        create_agent(
            db=db,
            username=username,
            display_name="Eva",
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
    # from before a reset): the widget starts a new conversation and the message
    # still gets its answer.
    page.evaluate("localStorage.setItem('viol3-widget.token', 'not-this-conversations-token')")
    page.reload()
    posted: list[dict[str, str]] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.headers)
            if request.method == "POST" and request.url.endswith("/api/v1/chat")
            else None
        ),
    )
    dialog = _open_by_keyboard(page)
    log = dialog.get_by_role("log")
    _say(page, "Hur loggar jag in i Chaufförsklienten?")
    answer = log.locator('[lang="sv"]', has_text="010-228 59 00")
    expect(answer).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
    assert [h.get("x-conversation-token") for h in posted] == [
        "not-this-conversations-token",
        None,
    ]
    assert _kept(page, "sender") not in (None, sender)
    assert _kept(page, "token") not in (None, token, "not-this-conversations-token")
    expect(log.locator(".msg.error")).to_have_count(0)
