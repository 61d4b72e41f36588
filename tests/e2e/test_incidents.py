"""Incidents in a real browser (Debian's chromium), on the real stack: an admin
publishes one in the console and a widget user sees its banner and is told about
it before the assistant's answer; an agent links a reporter's ticket from the
proposals, an admin resolves the incident, and the reporter's widget is told.

The stack's database is shared by the whole run, and an active incident would
put its operating message in front of other tests' answers: every incident made
here is resolved before its test ends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.conversations.models import Conversation
from api.tickets.service import open_ticket
from bot.triage import Triage
from tests.conftest import Stack, unique
from tests.e2e import test_console_workday as console
from tests.e2e import test_widget as widget
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import fresh

pytestmark = pytest.mark.e2e

browser = widget.browser
host_page = widget.host_page
REPLY_MS = widget.REPLY_MS
DRIVER = "Chaufförssupport i Chaufförsklienten och leveransavisering"  # the queue's name


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    """Fresh browser profiles, one per person in the test, as many as it asks for."""
    contexts = []

    def new() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    made: list[Page] = [new() for _ in range(3)]
    yield made
    for context in contexts:
        context.close()


def _token(stack: Stack, login: console.Login) -> dict[str, str]:
    body = {"username": login.username, "password": login.password}
    answer = httpx.post(f"{stack.api}/api/v1/agents/login", json=body, timeout=30)
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _resolve_leftovers(stack: Stack, admin: dict[str, str], mark: str) -> None:
    """Resolve this test's incident if it is still active (the test failed midway)."""
    listed = httpx.get(f"{stack.api}/api/v1/incidents?all=true", headers=admin, timeout=30)
    for incident in listed.json()["incidents"]:
        if mark in incident["title"] and incident["status"] == "active":
            body = {"resolution": {"sv": "Avslutad av testet."}}
            url = f"{stack.api}/api/v1/incidents/{incident['id']}/resolve"
            httpx.post(url, json=body, headers=admin, timeout=30)


def _log_in(page: Page, stack: Stack, login: console.Login) -> None:
    """Log in to the console's incidents view (the machine may be busy: a longer wait)."""
    page.goto(f"{stack.api}/console#/incidents")
    page.get_by_label("Användarnamn").fill(login.username)
    page.get_by_label("Lösenord").fill(login.password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text(login.name, timeout=30_000)


def _open_widget(page: Page, host_page: str) -> None:
    page.goto(host_page)
    page.get_by_role("button", name="Fråga supporten").click()
    expect(page.get_by_role("dialog", name="VIOL 3-support")).to_be_visible()


def test_an_admin_publishes_and_a_widget_user_sees_the_banner_and_the_notice(
    pages: list[Page], host_page: str, stack: Stack, db: Session
) -> None:
    admin_page, user_page, _ = pages
    mark = unique("Inloggning").replace("-", " ")
    admin = console._agent(db, queues=[], role=AgentRole.ADMIN)
    try:
        _log_in(admin_page, stack, admin)
        form = admin_page.locator("#incident-publish")
        expect(form).to_be_visible()
        for lang, title, text in (
            ("sv", f"{mark}: chaufförsklienten krånglar", "Många förare kan inte logga in."),
            ("en", f"{mark}: the driver client fails", "Many drivers cannot log in."),
        ):
            form.locator(f"#inc-new-title-{lang}").fill(title)
            form.locator(f"#inc-new-text-{lang}").fill(text)
        warning = form.locator(".incident-warning")
        expect(warning).to_contain_text("Texten saknas på följande språk: Finska")
        form.locator("#inc-new-title-fi").fill(f"{mark}: kuljettajasovellus ei toimi")
        form.locator("#inc-new-text-fi").fill("Moni kuljettaja ei pääse kirjautumaan.")
        expect(warning).to_have_count(0)  # every language written: no warning
        form.get_by_label(DRIVER).check()
        end = datetime.now(UTC) + timedelta(hours=2)
        form.get_by_label("Beräknas vara åtgärdad").fill(f"{end.astimezone():%Y-%m-%dT%H:%M}")
        form.get_by_label("Intern anteckning").fill("Leverantören felsöker certifikatet")
        form.get_by_role("button", name="Publicera", exact=True).click()
        expect(admin_page.locator("#notice")).to_contain_text("Driftstörningen är publicerad")
        card = admin_page.locator("article.incident", has_text=mark)
        expect(card).to_contain_text("Pågår")
        expect(card).to_contain_text("Leverantören felsöker certifikatet")  # agents see the note
        assert_no_axe_violations(admin_page, "incidents view")

        _open_widget(user_page, host_page)
        dialog = user_page.get_by_role("dialog", name="VIOL 3-support")
        banner = dialog.get_by_role("status").filter(has_text=mark)
        expect(banner).to_contain_text("chaufförsklienten krånglar")
        expect(banner).to_contain_text("Många förare kan inte logga in.")
        expect(banner).not_to_contain_text("Leverantören")  # never the internal note
        assert_no_axe_violations(user_page, "widget with an incident banner")

        dialog.get_by_label("Ditt meddelande").fill("Hur loggar jag in i Chaufförsklienten?")
        dialog.get_by_label("Ditt meddelande").press("Enter")
        bubbles = dialog.get_by_role("log").locator(".msg.bot:not(.typing)")
        # The welcome, then the operating message, then the assistant's own answer.
        expect(bubbles.nth(2)).to_contain_text("logga in i Chaufförsklienten", timeout=REPLY_MS)
        expect(bubbles.nth(1)).to_contain_text(f"Driftstörning: {mark}")
        expect(bubbles.nth(1)).to_contain_text("Vi räknar med att det fungerar igen")

        dialog.get_by_role("button", name="Dölj driftmeddelandet").click()
        expect(dialog.get_by_role("status").filter(has_text=mark)).to_have_count(0)
        expect(dialog.get_by_label("Ditt meddelande")).to_be_focused()
    finally:
        _resolve_leftovers(stack, _token(stack, admin), mark)


def test_an_agent_links_a_reporter_and_resolving_the_incident_tells_them(
    pages: list[Page], host_page: str, stack: Stack, db: Session
) -> None:
    agent_page, admin_page, reporter = pages
    mark = unique("Mätplats").replace("-", " ")
    admin = console._agent(db, queues=[], role=AgentRole.ADMIN)
    agent = console._agent(db, queues=["driver"])
    token = _token(stack, admin)
    try:
        published = httpx.post(
            f"{stack.api}/api/v1/incidents",
            json={
                "texts": {"sv": {"title": f"{mark} stängd", "text": "Inmätningen står still."}},
                "areas": ["driver"],
            },
            headers=token,
            timeout=30,
        )
        assert published.status_code == 201, published.text

        # The reporter writes in the widget, and their case is opened as a hand-off would.
        _open_widget(reporter, host_page)
        dialog = reporter.get_by_role("dialog", name="VIOL 3-support")
        log = dialog.get_by_role("log")
        dialog.get_by_label("Ditt meddelande").fill("Hej!")
        dialog.get_by_label("Ditt meddelande").press("Enter")
        # The first answer made the conversation (and gave the widget its token).
        reporter.wait_for_function(
            "() => localStorage.getItem('viol3-widget.token')", timeout=REPLY_MS
        )
        sender = reporter.evaluate("localStorage.getItem('viol3-widget.sender')")
        session = fresh(db)
        conversation = session.scalars(
            select(Conversation).where(Conversation.sender == sender)
        ).one()
        ticket = open_ticket(
            db=session,
            conversation=conversation,
            triage=Triage("sv", "driver", 1, False, []),
            description=f"Jag kan inte lossa vid {mark}, inmätningen står still",
            contact=None,
            idempotency_key=unique("incident-report"),
        )
        dialog.get_by_label("Ditt meddelande").fill("Det står fortfarande still")
        dialog.get_by_label("Ditt meddelande").press("Enter")
        # Now with a person: the operating message first, then "added to case N".
        expect(log).to_contain_text(f"Driftstörning: {mark} stängd", timeout=REPLY_MS)
        expect(log).to_contain_text(f"ärende {ticket.id}")

        _log_in(agent_page, stack, agent)
        card = agent_page.locator("article.incident", has_text=mark)
        proposals = card.locator("table.proposals")
        row = proposals.locator(
            "tr", has=agent_page.get_by_role("link", name=f"Ärende {ticket.id}")
        )
        expect(row).to_contain_text("i berörd kö")
        expect(row).to_contain_text("liknande ord")  # "inmätningen", "står", "still"
        row.get_by_role("button", name=f"Koppla ärende {ticket.id}").click()
        expect(agent_page.locator("#notice")).to_contain_text(f"Ärende {ticket.id} är kopplat")
        linked = agent_page.locator("article.incident", has_text=mark).locator("table.linked")
        expect(linked).to_contain_text(f"Ärende {ticket.id}")
        assert_no_axe_violations(agent_page, "incident with proposals and links")

        _log_in(admin_page, stack, admin)
        card = admin_page.locator("article.incident", has_text=mark)
        card.get_by_role("button", name="Markera som åtgärdad").click()
        resolution = "Vågen vid mätplatsen är lagad och inmätningen fungerar igen."
        card.get_by_label("Lösning (Svenska)").fill(resolution)
        card.get_by_label("Lösning (Engelska)").fill("The scale has been repaired.")
        card.get_by_label("Lösning (Finska)").fill("Vaaka on korjattu.")
        card.get_by_role("button", name="Markera som åtgärdad och lös kopplade ärenden").click()
        expect(admin_page.locator("#notice")).to_contain_text("Driftstörningen är åtgärdad")

        # The reporter's widget fetches the resolve notice once the undo window passed.
        told = log.locator(".msg.notice", has_text=resolution)
        expect(told).to_contain_text(f"ärende {ticket.id}", timeout=30_000)
        expect(told).to_contain_text("Driftstörningen är åtgärdad")

        admin_page.goto(f"{stack.api}/console#/dashboard")
        counts = admin_page.locator("#dashboard-incidents table.incident-counts")
        expect(counts.locator("tr", has_text=mark)).to_contain_text("Åtgärdad")
        assert_no_axe_violations(admin_page, "dashboard with tickets per incident")
    finally:
        _resolve_leftovers(stack, token, mark)
