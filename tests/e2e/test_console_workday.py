"""The agent console over a working day, in a real browser (Debian's chromium):
search and filters kept in the URL, the P1 alert, keyboard shortcuts, transfer
with a reason, undo of resolve, internal notes, the language switch on an open
ticket, the layout at 390, 768 and 1280 px, and an axe-core check of every view.

Tickets are set up in the stack's database directly (the hand-off itself is
tested in test_console.py and test_handoff.py); every test marks its tickets
with a word of its own and searches for it, because the stack's database is
shared by the whole run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentRole
from api.agents.service import create_agent
from api.conversations.models import Message, MessageStatus
from api.tickets.models import Ticket, TicketStatus
from api.tickets.service import claim
from bot.triage import triage
from bot.triage.training import QUEUES
from tests.api.desk import conversation_with, ticket_on
from tests.conftest import Stack, unique
from tests.e2e import test_widget as widget
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import fresh

pytestmark = pytest.mark.e2e

browser = widget.browser
WIDTHS = {"phone": (390, 844), "tablet": (768, 1024), "laptop": (1280, 800)}
# Internal ids an agent must never read: the queue ids of the support model.
QUEUE_IDS = re.compile(r"\b(" + "|".join(QUEUES) + r")\b")


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    name: str


def _agent(db: Session, *, queues: list[str], role: AgentRole = AgentRole.AGENT) -> Login:
    username = unique("e2e-day")
    login = Login(username, f"pw-{username}-long", f"Agent {username[-4:]}")
    create_agent(
        db=db,
        username=login.username,
        display_name=login.name,
        password=login.password,
        role=role,
        queues=queues,
    )
    return login


def _ticket(
    db: Session,
    text: str,
    *,
    queue: str = "driver",
    priority: int = 3,
    channel: str = "web",
    language: str = "sv",
    sender: str | None = None,
) -> Ticket:
    """A ticket as a hand-off opens it, on a conversation with the user's message."""
    conversation = conversation_with(
        db, sender or unique("day-user"), channel=channel, language=language, said=text
    )
    return ticket_on(
        db, conversation, queue=queue, priority=priority, description=text, key=unique("day")
    )


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _page(browser: Browser, size: tuple[int, int]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def console(browser: Browser, width: str) -> Iterator[Page]:
    yield from _page(browser, WIDTHS[width])


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, WIDTHS["laptop"])


def _log_in(page: Page, stack: Stack, login: Login, at: str = "") -> None:
    page.goto(f"{stack.api}/console{at}")
    page.get_by_label("Användarnamn").fill(login.username)
    page.get_by_label("Lösenord").fill(login.password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text(login.name)


def _row(page: Page, ticket: Ticket) -> Locator:
    return page.locator(f'#ticket-list tr[data-ticket="{ticket.id}"]')


def _open(page: Page, ticket: Ticket) -> None:
    _row(page, ticket).get_by_role("link").click()
    # The title gets its text once the ticket is read: then its actions are there.
    expect(page.locator("#ticket-title")).to_contain_text(f"Ärende {ticket.id}: ")


def _search(page: Page, words: str) -> None:
    page.get_by_label("Sök", exact=True).fill(words)
    page.get_by_label("Sök", exact=True).press("Enter")


def test_search_and_filters_are_kept_in_the_url_and_the_list_fits(
    console: Page, width: str, stack: Stack, db: Session
) -> None:
    mark = unique("filter").replace("-", "")
    agent = _agent(db, queues=["driver", "measurement"])
    other = _agent(db, queues=["driver"])
    p1 = _ticket(db, f"Inloggningen stoppar hela åkeriet {mark}", priority=1)
    email = _ticket(db, f"Mätbeskedet saknas {mark}", queue="measurement", channel="email")
    finnish = _ticket(db, f"Kirjautuminen ei onnistu {mark}", language="fi")
    hidden = _ticket(db, f"Fel i fakturan {mark}", queue="accounting")
    claimed = _ticket(db, f"Taget av en kollega {mark}")
    session = fresh(db)
    colleague = session.scalars(select(Agent).where(Agent.username == other.username)).one()
    taken = session.get(Ticket, claimed.id)
    assert taken is not None
    claim(db=session, ticket=taken, agent=colleague)

    _log_in(console, stack, agent)
    # The overview is one line of queues, and the list is one row per ticket.
    overview = console.locator("#overview ul")
    expect(overview).to_contain_text("Chaufförer")
    assert overview.bounding_box()["height"] < 80  # type: ignore[index]

    _search(console, mark)
    expect(console).to_have_url(re.compile(rf"#/queues\?q={mark}$"))
    rows = console.locator("#ticket-list tbody tr")
    expect(rows).to_have_count(4)  # not the accounting ticket: not one of the agent's queues
    expect(_row(console, hidden)).to_have_count(0)
    expect(rows.first).to_have_attribute("data-ticket", str(p1.id))  # priority first
    row = _row(console, claimed)
    expect(row).to_contain_text(f"#{claimed.id}")
    expect(row).to_contain_text("Taget av en kollega")  # the subject, from the first message
    expect(row).to_contain_text(other.name)  # who has it
    expect(_row(console, email)).to_contain_text("E-post")
    for shown in (p1, email, finnish, claimed):
        box = _row(console, shown).bounding_box()
        assert box is not None and box["height"] < 70, "one row per ticket"
    # The SLA of every row is on the screen, and nothing spills sideways.
    viewport = WIDTHS[width][0]
    sla = _row(console, p1).locator(".sla")
    expect(sla).to_contain_text(re.compile(r"\d\d:\d\d:\d\d kvar"))
    right = sla.evaluate("(el) => el.getBoundingClientRect().right")
    assert right <= viewport
    assert console.evaluate("document.documentElement.scrollWidth") <= viewport

    # Filters narrow the list, and a reload keeps them.
    console.get_by_label("Språk", exact=True).select_option("fi")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(finnish.id))
    expect(console).to_have_url(re.compile(r"language=fi"))
    console.reload()
    expect(console.locator("#who")).to_contain_text(agent.name)
    expect(rows).to_have_count(1)
    expect(console.get_by_label("Sök", exact=True)).to_have_value(mark)

    console.goto(f"{stack.api}/console#/queues?q={mark}&unclaimed=1&channel=email")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(email.id))
    expect(console.get_by_label("Ej tagna")).to_be_checked()
    console.goto(f"{stack.api}/console#/queues?q={email.id}")
    expect(_row(console, email)).to_have_count(1)  # a ticket number finds its ticket
    console.get_by_role("button", name="Rensa").click()
    expect(console).to_have_url(re.compile(r"#/queues$"))
    assert_no_axe_violations(console, f"queue view at {width}")


def test_a_new_p1_changes_the_title_plays_a_sound_and_shows_a_notification(
    browser: Browser, stack: Stack, db: Session
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["notifications"], origin=stack.api)
    # What the page played and showed, recorded where the test can read it.
    context.add_init_script(
        """
        window.played = 0;
        window.shown = [];
        const Real = window.AudioContext;
        window.AudioContext = class extends Real {
          createOscillator() { window.played += 1; return super.createOscillator(); }
        };
        window.Notification = class {
          static permission = "granted";
          static requestPermission() { return Promise.resolve("granted"); }
          constructor(title, options) { window.shown.push([title, options.body]); }
          close() {}
        };
        """
    )
    page = context.new_page()
    try:
        agent = _agent(db, queues=["integration"])
        _log_in(page, stack, agent)
        # Earlier tests left alarms in this queue: dismissed first, so only the new one counts.
        expect(page.locator("#alerts[data-asked]")).to_have_count(1)
        for _ in range(page.get_by_role("alert").count()):
            page.get_by_role("alert").first.get_by_role("button").click()
        expect(page.get_by_role("alert")).to_have_count(0)
        expect(page).to_have_title("VIOL 3 – handläggarkonsol")
        sound = page.get_by_label("Spela ett ljud")
        expect(sound).not_to_be_checked()  # off by default
        sound.check()
        page.get_by_label("Visa en skrivbordsavisering").check()
        played_before = page.evaluate("window.played")  # the sample played on ticking the box
        shown_before = page.evaluate("window.shown.length")

        ticket = _ticket(
            db, unique("Alla integrationer står still"), queue="integration", priority=1
        )
        alert = page.get_by_role("alert").filter(has_text=f"nytt ärende {ticket.id}")
        expect(alert).to_be_visible(timeout=30_000)  # the console polls every 5 s
        expect(page).to_have_title(re.compile(r"^\(1\) Nytt prio 1-ärende"))
        page.wait_for_function("(before) => window.played > before", arg=played_before)
        page.wait_for_function("(before) => window.shown.length > before", arg=shown_before)
        assert page.evaluate("window.shown.length") == shown_before + 1
        title, body = page.evaluate("window.shown.at(-1)")
        assert title == "Nytt prio 1-ärende" and f"ärende {ticket.id}" in body

        alert.get_by_role("button", name=f"Stäng larmet om ärende {ticket.id}").click()
        expect(page).to_have_title("VIOL 3 – handläggarkonsol")
        page.reload()  # a dismissed alarm stays dismissed, and is not announced again
        expect(page.locator("#who")).to_contain_text(agent.name)
        expect(page.locator("#alerts[data-asked]")).to_have_count(1)
        expect(page.get_by_role("alert")).to_have_count(0)
        assert page.evaluate("window.shown.length") == 0
    finally:
        context.close()


def test_keyboard_shortcuts_move_claim_reply_note_and_resolve(
    laptop: Page, stack: Stack, db: Session
) -> None:
    mark = unique("keys").replace("-", "")
    agent = _agent(db, queues=["driver"])
    first = _ticket(db, f"Först i listan {mark}", priority=2)
    second = _ticket(db, f"Sedan den här {mark}", priority=3)
    page = laptop
    _log_in(page, stack, agent, at=f"#/queues?q={mark}")
    expect(_row(page, second)).to_be_visible()

    page.locator("body").press("?")
    help_dialog = page.get_by_role("dialog", name="Kortkommandon")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Nästa ärende")
    assert_no_axe_violations(page, "shortcut help")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.locator("body").press("j")
    expect(_row(page, first).get_by_role("link")).to_be_focused()
    page.keyboard.press("j")
    expect(_row(page, second).get_by_role("link")).to_be_focused()
    page.keyboard.press("k")
    expect(_row(page, first).get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#ticket-title")).to_contain_text(f"Ärende {first.id}")
    expect(page.get_by_role("button", name="Ta ärendet")).to_be_visible()  # the ticket is read

    page.locator("body").press("c")
    expect(page.get_by_text("Tagen av dig")).to_be_visible()
    page.locator("body").press("r")
    reply = page.get_by_label("Svar till användaren")
    expect(reply).to_be_focused()
    reply.fill("Vi tittar på det nu.")
    reply.press("Control+Enter")
    expect(page.get_by_role("status")).to_contain_text("Svaret är skickat")
    reply.press("Escape")  # out of the field, so the keys are shortcuts again
    expect(reply).not_to_be_focused()
    page.keyboard.press("n")
    note = page.get_by_label("Anteckning (visas inte för användaren)")
    expect(note).to_be_focused()
    note.fill("Ringde åkeriet, väntar på svar.")
    note.press("Control+Enter")
    note.press("Escape")
    conversation = page.get_by_role("list", name="Konversation")
    internal = conversation.locator(".line.internal")
    expect(internal).to_contain_text("Intern anteckning – syns inte för användaren")
    expect(internal).to_contain_text("Ringde åkeriet, väntar på svar.")

    page.keyboard.press("e")
    expect(page.get_by_role("status")).to_contain_text("markerat som löst")
    page.keyboard.press("j")
    expect(page.locator("#ticket-title")).to_contain_text(f"Ärende {second.id}")


def test_transfer_asks_a_reason_keeps_the_claim_and_resolve_can_be_undone(
    laptop: Page, stack: Stack, db: Session
) -> None:
    mark = unique("move").replace("-", "")
    agent = _agent(db, queues=["driver", "access"])
    ticket = _ticket(db, f"Behörighet saknas för ny förare {mark}")
    page = laptop
    _log_in(page, stack, agent, at=f"#/queues?q={mark}")
    _open(page, ticket)
    page.get_by_role("button", name="Ta ärendet").click()
    expect(page.get_by_text("Tagen av dig")).to_be_visible()

    page.get_by_label("Ny kö").select_option("access")
    page.get_by_role("button", name="Flytta", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Skriv varför ärendet flyttas")
    expect(page.get_by_label("Varför flyttas ärendet?")).to_be_focused()
    page.get_by_label("Varför flyttas ärendet?").fill("Gäller behörigheter, inte inloggning")
    page.get_by_role("button", name="Flytta", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Ärendet är flyttat")
    meta = page.locator(".facts dl.meta")
    expect(meta).to_contain_text("Tagen av dig")  # the claim is kept
    expect(meta).to_contain_text("Behörigheter")
    page.get_by_text("Händelser").click()
    events = page.locator("ol.events")
    expect(events).to_contain_text("Gäller behörigheter, inte inloggning")
    expect(events).to_contain_text(
        "Chaufförssupport i Chaufförsklienten och leveransavisering → Behörigheter"
    )

    page.get_by_role("button", name="Markera som löst").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("markerat som löst")
    # Nothing that does not apply to a resolved ticket is offered.
    expect(page.get_by_role("heading", name="Flytta till annan kö")).to_be_hidden()
    expect(page.get_by_role("heading", name="Ändra prioritet")).to_be_hidden()
    expect(page.get_by_label("Svar till användaren")).to_be_hidden()
    status.get_by_role("button", name="Ångra").click()
    expect(status).to_contain_text("Ångrat")
    expect(meta).to_contain_text("Tagen av dig")
    expect(page.get_by_role("button", name="Markera som löst")).to_be_visible()
    db.expire_all()  # what the API wrote since, not what this session remembers
    stored = db.get(Ticket, ticket.id)
    assert stored is not None and stored.status == "claimed"


def test_switching_language_redraws_the_open_ticket_with_no_internal_id(
    laptop: Page, stack: Stack, db: Session
) -> None:
    mark = unique("lang").replace("-", "")
    agent = _agent(db, queues=["driver"])
    ticket = _ticket(db, f"Koden till tvåstegsverifieringen kommer inte {mark}", priority=2)
    session = fresh(db)
    stored = session.get(Ticket, ticket.id)
    assert stored is not None
    decided = triage("koden till tvåstegsverifieringen kommer inte", "sv")
    stored.triage_reasons = list(decided.stored_reasons)
    session.commit()
    page = laptop
    _log_in(page, stack, agent, at=f"#/queues?q={mark}")
    _open(page, ticket)
    page.get_by_label("Svar till användaren").fill("Halvfärdigt svar")
    expect(page.get_by_role("heading", name="Skäl för kö och prioritet")).to_be_visible()

    page.get_by_label("Konsolens språk").select_option("fi")
    expect(page.get_by_role("heading", name="Keskustelu")).to_be_visible()
    expect(page.locator("#ticket-title")).to_contain_text(f"Tapaus {ticket.id}")
    expect(page.locator(".facts dl.meta")).to_contain_text("Kuljettajatuki")
    reasons = page.locator("ul.reasons")
    expect(reasons).not_to_contain_text("Prioritet")  # the Swedish words are gone
    expect(page.get_by_label("Vastaus käyttäjälle")).to_have_value("Halvfärdigt svar")
    text = page.locator("#main").inner_text()
    assert not QUEUE_IDS.search(text), QUEUE_IDS.search(text)
    assert_no_axe_violations(page, "ticket view in Finnish")

    page.get_by_label("Konsolin kieli").select_option("en")
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    expect(page.locator("#ticket-title")).to_contain_text(f"Ticket {ticket.id}")


def test_the_reply_box_stays_next_to_the_latest_messages(
    laptop: Page, stack: Stack, db: Session
) -> None:
    mark = unique("long").replace("-", "")
    agent = _agent(db, queues=["driver"])
    ticket = _ticket(db, f"Lång konversation {mark}")
    session = fresh(db)
    stored = session.get(Ticket, ticket.id)
    assert stored is not None
    conversation = stored.conversation
    # The same user's earlier case, already resolved.
    earlier = ticket_on(
        session, conversation, description=f"Förra veckans fråga {mark}", key=unique("e")
    )
    earlier.status = TicketStatus.RESOLVED
    for i in range(30):
        session.add(
            Message(
                conversation=conversation,
                author="user" if i % 2 else "bot",
                text=f"Meddelande nummer {i} i en lång konversation om inloggningen.",
                language="sv",
                status=MessageStatus.FOR_AGENT,
            )
        )
    session.commit()
    page = laptop
    _log_in(page, stack, agent, at=f"#/ticket/{ticket.id}")
    last = page.get_by_text("Meddelande nummer 29 i en lång konversation")
    reply = page.get_by_label("Svar till användaren")
    expect(last).to_be_in_viewport()
    expect(reply).to_be_in_viewport()
    listed = page.get_by_role("region", name="Samma kontakts tidigare ärenden")
    expect(listed.get_by_role("link")).to_have_text(f"#{earlier.id} Förra veckans fråga {mark}")
    expect(listed).to_contain_text("Löst")
    assert_no_axe_violations(page, "ticket view")


def test_every_console_view_passes_axe(
    console: Page, width: str, stack: Stack, db: Session
) -> None:
    admin = _agent(db, queues=list(QUEUES), role=AgentRole.ADMIN)
    ticket = _ticket(db, unique("Axe-kontroll av ärendevyn"))
    console.goto(f"{stack.api}/console")
    expect(console.get_by_role("button", name="Logga in")).to_be_visible()
    assert_no_axe_violations(console, f"login at {width}")
    _log_in(console, stack, admin)
    for view, heading in [
        ("#/queues", "Köer"),
        (f"#/ticket/{ticket.id}", f"Ärende {ticket.id}"),
        ("#/unanswered", "Frågor som assistenten inte kunde svara på"),
        ("#/dashboard", "Statistik"),
        ("#/drafts", "Artikelutkast att granska"),
    ]:
        console.goto(f"{stack.api}/console{view}")
        shown = console.get_by_role("heading", name=re.compile(re.escape(heading))).first
        expect(shown).to_be_visible()
        console.wait_for_load_state("networkidle")
        assert_no_axe_violations(console, f"{view} at {width}")
        assert console.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]


def test_an_admin_turns_an_unanswered_question_into_a_draft_or_dismisses_it(
    laptop: Page, stack: Stack, db: Session
) -> None:
    # Letters only: digits would count as words of their own in the contact line.
    mark = "".join(chr(ord("a") + int(c, 16)) for c in unique("uq").split("-")[1])
    asked = {
        "question": f"Hur byter jag lösenord i Mina sidor {mark}?",
        "noise": f"Vad heter er maskot {mark}?",
        "contact": f"Anna Berg{mark}, nå mig på [telefon]",  # details, not a question
    }
    for kind, text in asked.items():
        for i in range(25):  # often enough to head the list
            conversation = conversation_with(db, unique(f"uq-{kind}-{i}"))
            db.add(
                Message(
                    conversation=conversation,
                    author="user",
                    text=text,
                    language="sv",
                    unanswered=True,
                    status=MessageStatus.ANSWERED,
                )
            )
    db.commit()
    admin = _agent(db, queues=list(QUEUES), role=AgentRole.ADMIN)
    page = laptop
    _log_in(page, stack, admin, at="#/unanswered")
    table = page.locator("#unanswered table")
    question = table.get_by_role("row").filter(has_text=asked["question"])
    expect(question).to_contain_text("25")
    expect(table.get_by_role("row").filter(has_text=asked["contact"])).to_have_count(0)

    question.get_by_role("button", name=re.compile("^Gör till artikelutkast")).click()
    page.get_by_label("Rubrik").fill("Byta lösenord i Mina sidor")
    page.get_by_label("Svar", exact=True).fill("Du byter lösenord under Mitt konto i Mina sidor.")
    page.get_by_role("button", name="Skicka förslaget").click()
    expect(page.get_by_role("status")).to_contain_text("Utkastet är skickat för granskning")
    expect(question).to_have_count(0)

    noise = table.get_by_role("row").filter(has_text=asked["noise"])
    noise.get_by_role("button", name=re.compile("^Avfärda")).click()
    expect(page.get_by_role("status")).to_contain_text("avfärdad")
    expect(noise).to_have_count(0)
    assert_no_axe_violations(page, "unanswered questions")

    page.get_by_role("link", name="Artikelutkast").click()
    draft = page.locator("article.draft").filter(has_text="Byta lösenord i Mina sidor")
    expect(draft).to_contain_text(asked["question"])
    expect(draft).to_contain_text("från en obesvarad fråga")


def test_the_login_waits_for_the_console_and_never_puts_the_password_in_the_address(
    laptop: Page, stack: Stack, db: Session
) -> None:
    agent = _agent(db, queues=["driver"])
    page = laptop
    held: list[Route] = []  # the console's script, kept back until the form is filled
    page.route("**/static/console/main.js", lambda route: held.append(route))
    page.goto(f"{stack.api}/console", wait_until="commit")
    button = page.get_by_role("button", name="Logga in")
    expect(button).to_be_disabled()
    page.get_by_label("Användarnamn").fill(agent.username)
    page.get_by_label("Lösenord").fill(agent.password)
    page.get_by_label("Lösenord").press("Enter")  # before the console can take it
    expect(button).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator("#who")).to_contain_text(agent.name)
    # Had the browser sent the form itself, the page would have reloaded with the
    # password in its address.
    assert agent.password not in page.url
