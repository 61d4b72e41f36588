"""Saved replies and presence in the agent console, in a real browser (Debian's
chromium) on the real stack: an admin saves a reply with {case}; an agent opens a
ticket, inserts it with Ctrl+Space, sends it, and the user's web chat receives it
with their case number. Two agents on one ticket: the second is told that the
first has it open, and when the first is typing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.conversations.service import find_conversation
from api.tickets.models import Ticket
from tests.api.desk import ticket_on
from tests.conftest import Stack, unique, wait_until
from tests.e2e import test_widget as widget
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import fresh
from tests.e2e.test_console_workday import Login, _agent, _log_in

pytestmark = pytest.mark.e2e

browser = widget.browser
# The console polls who else has the ticket open every 3 s.
PRESENCE_MS = 15_000


def _context_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def admin_page(browser: Browser) -> Iterator[Page]:
    yield from _context_page(browser)


@pytest.fixture
def agent_page(browser: Browser) -> Iterator[Page]:
    yield from _context_page(browser)


@pytest.fixture
def colleague_page(browser: Browser) -> Iterator[Page]:
    yield from _context_page(browser)


def _web_ticket(stack: Stack, db: Session, sender: str, text: str) -> Ticket:
    """A driver ticket on a web chat the user started (so they hold its token)."""
    assert stack.chat(sender, "Hej").status_code == 200
    conversation = find_conversation(db=fresh(db), channel="web", sender=sender)
    assert conversation is not None
    return ticket_on(db, conversation, queue="driver", description=text, key=unique("saved"))


def _save_reply(page: Page, title: str, text: str) -> None:
    form = page.locator("#replies form")
    form.get_by_label("Kö", exact=True).select_option("driver")
    form.get_by_label("Språk", exact=True).select_option("sv")
    form.get_by_label("Rubrik").fill(title)
    form.get_by_label("Text", exact=True).fill(text)
    form.get_by_role("button", name="Spara").click()


def test_an_agent_inserts_a_saved_reply_with_the_shortcut_and_the_user_gets_it(
    admin_page: Page, agent_page: Page, stack: Stack, db: Session
) -> None:
    mark = unique("sparat").replace("-", "")
    admin = _agent(db, queues=[], role=AgentRole.ADMIN)
    agent = _agent(db, queues=["driver"])
    title = f"Lösenord återställt {mark}"

    # The admin saves a reply; a typo in a placeholder is named before anything is saved.
    _log_in(admin_page, stack, admin)
    admin_page.get_by_role("link", name="Sparade svar").click()
    expect(admin_page.get_by_role("heading", name="Platshållare")).to_be_visible()
    expect(admin_page.locator("#replies")).to_contain_text("{case}")
    _save_reply(admin_page, title, "Hej! Ärende {case}: kundnr {kundnr}")
    expect(admin_page.get_by_role("status")).to_contain_text("Okända platshållare: {kundnr}")
    _save_reply(admin_page, title, "Hej! Vi har återställt lösenordet (ärende {case}). /{agent}")
    expect(admin_page.get_by_role("status")).to_contain_text("Det sparade svaret är sparat")
    expect(admin_page.locator("#replies .saved-reply", has_text=title)).to_be_visible()
    assert_no_axe_violations(admin_page, "saved replies, admin")

    sender = unique("saved-user")
    ticket = _web_ticket(stack, db, sender, f"Jag har glömt lösenordet {mark}")
    _log_in(agent_page, stack, agent, at=f"#/ticket/{ticket.id}")
    expect(agent_page.locator("#ticket-title")).to_contain_text(f"Ärende {ticket.id}: ")
    agent_page.get_by_role("button", name="Ta ärendet").click()
    expect(agent_page.get_by_text("Tagen av dig")).to_be_visible()

    # The shortcut is in the help overlay with the others.
    agent_page.locator("body").press("?")
    keys = agent_page.get_by_role("dialog", name="Kortkommandon")
    entry = keys.locator(".keys div", has_text="Infoga ett sparat svar (i svarsrutan)")
    expect(entry.locator("kbd")).to_have_text("Ctrl+Mellanslag")
    agent_page.keyboard.press("Escape")
    expect(keys).to_be_hidden()

    reply = agent_page.get_by_label("Svar till användaren")
    reply.fill("Hej igen.\n")
    reply.press("Control+Space")
    picker = agent_page.get_by_role("dialog", name="Infoga ett sparat svar")
    expect(picker).to_be_visible()
    search = picker.get_by_role("combobox", name="Filtrera")
    expect(search).to_be_focused()
    search.fill(mark)
    option = picker.get_by_role("option", name=title)
    expect(option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    assert_no_axe_violations(agent_page, "saved reply picker")
    search.press("Enter")
    expect(picker).to_be_hidden()
    filled = f"Vi har återställt lösenordet (ärende {ticket.id}). /{agent.name}"
    expect(reply).to_have_value(f"Hej igen.\nHej! {filled}")
    expect(reply).to_be_focused()  # the cursor is back in the reply, after the text

    reply.press("Control+Enter")
    expect(agent_page.get_by_role("status")).to_contain_text("Svaret är skickat")
    wait_until(
        lambda: any(filled in m["text"] for m in stack.poll(sender).json()["messages"]),
        "the user's web chat to receive the saved reply",
    )

    # Esc closes the picker without inserting anything.
    reply.press("Control+Space")
    expect(picker).to_be_visible()
    agent_page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(reply).to_have_value("")


def _presence(page: Page, login: Login) -> None:
    """Wait until `page` shows that `login` has the ticket open (and not typing)."""
    expect(page.locator("#presence")).to_have_text(
        f"{login.name} har också det här ärendet öppet", timeout=PRESENCE_MS
    )


def test_an_agent_sees_that_a_colleague_has_the_ticket_open_and_is_typing(
    agent_page: Page, colleague_page: Page, stack: Stack, db: Session
) -> None:
    first, second = _agent(db, queues=["driver"]), _agent(db, queues=["driver"])
    ticket = _web_ticket(stack, db, unique("presence-user"), unique("Två handläggare"))
    _log_in(agent_page, stack, first, at=f"#/ticket/{ticket.id}")
    expect(agent_page.locator("#ticket-title")).to_contain_text(f"Ärende {ticket.id}: ")
    _log_in(colleague_page, stack, second, at=f"#/ticket/{ticket.id}")
    expect(colleague_page.locator("#ticket-title")).to_contain_text(f"Ärende {ticket.id}: ")

    _presence(colleague_page, first)
    _presence(agent_page, second)  # and the other way round
    notice = colleague_page.locator("#presence")
    expect(notice).to_have_attribute("aria-live", "polite")

    agent_page.get_by_label("Svar till användaren").press_sequentially("Hej, jag tittar")
    expect(notice).to_have_text(f"{first.name} skriver…", timeout=PRESENCE_MS)
    _presence(colleague_page, first)  # a few seconds without a keystroke: no longer typing
    # Typing in the internal note counts too.
    agent_page.locator(".note-box summary").click()
    agent_page.get_by_label("Anteckning (visas inte för användaren)").press_sequentially("Obs")
    expect(notice).to_have_text(f"{first.name} skriver…", timeout=PRESENCE_MS)

    # Leaving the ticket clears the entry at once, not after its expiry.
    agent_page.locator("#back").click()
    expect(notice).to_have_text("", timeout=PRESENCE_MS)
    assert_no_axe_violations(colleague_page, "ticket view with presence")
