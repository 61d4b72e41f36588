"""The agent console in a real browser (Debian's chromium): a user asks for a
person in the widget, an agent logs in to /console, finds the ticket at its
place in its queue, claims it and replies, and the user sees the reply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole
from api.agents.service import create_agent
from api.attachments.service import Incoming, keep
from api.conversations.models import Conversation, Message, MessageStatus
from api.tickets.models import Ticket
from api.tickets.service import queue_listing
from bot.triage.training import QUEUES
from tests.api.channels.test_email import PNG
from tests.api.desk import ticket_on
from tests.conftest import Stack, unique
from tests.e2e import test_widget as widget
from tests.e2e.conftest import fresh

pytestmark = pytest.mark.e2e

# The widget's host page on its own origin, and the browser, as in the widget's tests.
browser = widget.browser
host_page = widget.host_page

AGENT = {"username": "e2e-console-eva", "password": "pw-console-eva"}
DESCRIPTION = "prisräkningen har stannat för hela vår leverans"
REPLY = "Hej! Prisräkningen går igen, nya mätbesked kommer inom en timme."


@pytest.fixture
def user(browser: Browser) -> Iterator[Page]:
    """The user's browser, at laptop width."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def console(browser: Browser) -> Iterator[Page]:
    """The agent's browser, a separate profile at tablet width."""
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    yield context.new_page()
    context.close()


def _ask_for_a_person(user: Page, host_page: str) -> int:
    user.goto(host_page)
    dialog = widget._open_by_keyboard(user)
    log = dialog.get_by_role("log")
    for said, asked in [
        ("jag vill prata med en människa", "Beskriv kort vad som har hänt"),
        (DESCRIPTION, "Vilket företag gäller det"),
        ("Skogsbolaget AB, redovisning", "Hur når vi dig"),
        ("070-123 45 67", "Svaret kommer här i chatten"),
    ]:
        widget._say(user, said)
        expect(log).to_contain_text(asked, timeout=widget.REPLY_MS)
    found = re.search(r"Ärende (\d+) är skapat", log.inner_text())
    assert found, log.inner_text()
    return int(found.group(1))


def _log_in(console: Page, stack: Stack) -> None:
    console.goto(f"{stack.api}/console")
    console.get_by_label("Användarnamn").fill(AGENT["username"])
    console.get_by_label("Lösenord").fill(AGENT["password"])
    console.get_by_role("button", name="Logga in").click()
    expect(console.get_by_role("heading", name="Köer", exact=True)).to_be_focused()


def _switch_language_and_back(console: Page) -> None:
    """To English and straight back, with the English queue names answering
    last: the page must stay in the language chosen last."""
    held: list[Route] = []
    english_names = re.compile(r"/api/v1/queues\?lang=en")
    console.route(english_names, lambda route: held.append(route))
    console.get_by_label("Konsolens språk").select_option("en")
    expect(console.get_by_role("heading", name="Queues", exact=True)).to_be_visible()
    expect(console.get_by_role("button", name="Log out")).to_be_visible()
    console.get_by_label("Console language").select_option("sv")
    expect(console.get_by_role("heading", name="Köer", exact=True)).to_be_visible()
    expect(console.get_by_role("link", name=re.compile("^Råvaruredovisning: "))).to_be_visible()
    assert len(held) == 1, "the English queue names were asked for once"
    with console.expect_event("requestfinished", lambda r: english_names.search(r.url) is not None):
        held[0].continue_()
    console.unroute(english_names)


def test_an_agent_claims_and_answers_in_the_console_and_the_user_sees_it(
    user: Page, console: Page, host_page: str, stack: Stack, db: Session
) -> None:
    requested: list[str] = []
    console.on("request", lambda request: requested.append(request.url))
    ticket_id = _ask_for_a_person(user, host_page)
    ticket = fresh(db).get(Ticket, ticket_id)
    assert ticket is not None and (ticket.queue, ticket.priority) == ("accounting", 2)
    create_agent(db=db, display_name="Eva Lind", role=AgentRole.AGENT, queues=QUEUES, **AGENT)

    _log_in(console, stack)
    _switch_language_and_back(console)

    # The ticket is in the accounting queue, at its place: priority first, then due time.
    console.get_by_role("link", name=re.compile("^Råvaruredovisning: ")).click()
    expect(console.get_by_label("Kö", exact=True)).to_have_value("accounting")
    row = console.locator(f'tr[data-ticket="{ticket_id}"]')
    expect(row).to_contain_text("P2")
    expect(row).to_contain_text(DESCRIPTION)  # the title: what the user said had happened
    expect(row).to_contain_text("Ingen ännu")  # nobody has it yet
    expect(row).to_contain_text(re.compile(r"\d\d:\d\d:\d\d kvar"))  # the SLA countdown
    listed = fresh(db)
    eva = listed.scalars(select(Agent).where(Agent.username == AGENT["username"])).one()
    order = [t.id for t in queue_listing(db=listed, queue="accounting", agent=eva)]
    rows = console.locator("#ticket-list tbody tr")
    expect(rows).to_have_count(len(order))
    shown = rows.evaluate_all("rows => rows.map((row) => Number(row.dataset.ticket))")
    assert shown == order

    # Keyboard only: Tab from the queue heading reaches the ticket, Enter opens it.
    link = row.get_by_role("link")
    for _ in range(40):
        console.keyboard.press("Tab")
        if link.evaluate("(el) => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    console.keyboard.press("Enter")
    expect(
        console.get_by_role("heading", name=f"Ärende {ticket_id}: {DESCRIPTION}")
    ).to_be_focused()

    conversation = console.get_by_role("list", name="Konversation")
    expect(conversation).to_contain_text(DESCRIPTION)
    expect(conversation).to_contain_text("[telefon]")
    expect(console.get_by_text("Ett stopp i det administrativa flödet")).to_be_visible()
    # With the assistant's reply: what it decided to do with the user's message.
    decided = conversation.locator(".decision").first
    expect(decided).to_contain_text("Assistentens beslut: lämnade över till en person")

    console.get_by_role("button", name="Ta ärendet").click()
    expect(console.get_by_role("status")).to_contain_text("Du har tagit ärendet")
    expect(console.get_by_text("Tagen av dig")).to_be_visible()
    console.get_by_label("Svar till användaren").fill(REPLY)
    console.get_by_role("button", name="Skicka svar").click()
    expect(console.get_by_role("status")).to_contain_text("Svaret är skickat")
    expect(conversation).to_contain_text(REPLY)

    # The user sees the answer in the widget, told who is speaking.
    log = user.get_by_role("log")
    expect(log).to_contain_text(f"Handläggare: {REPLY}", timeout=widget.REPLY_MS)

    # At tablet width nothing spills sideways, and nothing came from another site.
    assert console.evaluate("document.documentElement.scrollWidth") <= 768
    assert {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, requested)} == {stack.api}


def test_an_agent_of_the_queue_sees_a_priority_1_alarm_appear_without_reloading(
    console: Page, stack: Stack, db: Session
) -> None:
    username = unique("e2e-alarm")
    create_agent(
        db=db,
        username=username,
        display_name="Pekka Larm",
        password=f"pw-{username}",
        role=AgentRole.AGENT,
        queues=["integration"],
    )
    console.goto(f"{stack.api}/console")
    console.get_by_label("Användarnamn").fill(username)
    console.get_by_label("Lösenord").fill(f"pw-{username}")
    console.get_by_role("button", name="Logga in").click()
    expect(console.get_by_role("heading", name="Köer", exact=True)).to_be_focused()
    console.evaluate("window.sameDocument = true")  # gone if the page were reloaded

    # A new priority-1 ticket in another queue, then one in the agent's queue.
    conversation = Conversation(channel="web", sender=unique("alarm-user"), language="sv")
    db.add(conversation)
    db.commit()
    elsewhere = ticket_on(db, conversation, queue="driver", priority=1, key=unique("p1"))
    ticket = ticket_on(db, conversation, queue="integration", priority=1, key=unique("p1"))

    alert = console.get_by_role("alert").filter(has_text=f"nytt ärende {ticket.id}")
    expect(alert).to_be_visible(timeout=30_000)  # the console polls every 5 s
    expect(alert).to_contain_text("Prio 1: nytt ärende")
    expect(alert).to_contain_text("Integration")
    assert console.evaluate("window.sameDocument") is True
    others = console.get_by_role("alert").filter(has_text=f"ärende {elsewhere.id} ")
    expect(others).to_have_count(0)  # it came in the same answer, had it been shown

    alert.get_by_role("link", name=f"Öppna ärende {ticket.id}").click()
    expect(
        console.get_by_role("heading", name=re.compile(f"^Ärende {ticket.id}\\b"))
    ).to_be_visible()
    alert.get_by_role("button", name=f"Stäng larmet om ärende {ticket.id}").click()
    expect(alert).to_have_count(0)


def test_an_email_case_shows_its_subject_and_the_file_the_user_sent(
    console: Page, stack: Stack, db: Session
) -> None:
    username = unique("e2e-mail")
    create_agent(
        db=db,
        username=username,
        display_name="Maja Post",
        password=f"pw-{username}",
        role=AgentRole.AGENT,
        queues=["measurement"],
    )
    conversation = Conversation(channel="email", sender=unique("mail-user"), language="sv")
    db.add(conversation)
    db.commit()
    message = Message(
        conversation=conversation,
        author="user",
        text="Vikten på kvittot är fel, se bilden.",
        language="sv",
        status=MessageStatus.FOR_AGENT,
    )
    db.add(message)
    db.commit()
    ticket = ticket_on(db, conversation, queue="measurement", key=unique("mail"))
    ticket.subject = "Fel vikt på kvittot"
    files = keep(
        db=db,
        folder=stack.attachments,
        conversation_id=conversation.id,
        message_id=message.id,
        files=[Incoming("kvitto.png", "image/png", PNG)],
    )
    files.kept[0].ticket_id = ticket.id
    db.commit()

    console.goto(f"{stack.api}/console")
    console.get_by_label("Användarnamn").fill(username)
    console.get_by_label("Lösenord").fill(f"pw-{username}")
    console.get_by_role("button", name="Logga in").click()
    console.goto(f"{stack.api}/console#/queues/measurement")
    row = console.locator(f'tr[data-ticket="{ticket.id}"]')
    expect(row).to_contain_text("Fel vikt på kvittot")
    expect(row).to_contain_text("E-post")
    row.get_by_role("link").click()
    subject = console.locator(".facts dl.meta div").filter(has_text="Ämne")
    expect(subject).to_contain_text("Fel vikt på kvittot")
    download_button = console.get_by_role("button", name="Ladda ner kvitto.png")
    with console.expect_download() as started:
        download_button.click()
    download = started.value
    assert download.suggested_filename == "kvitto.png"
    assert Path(download.path()).read_bytes() == PNG
