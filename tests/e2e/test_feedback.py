"""Answering the feedback question, in a real browser (Debian's chromium): an agent
resolves a case in the console, the user's widget asks how it went once the undo
window (6 s in the stack) has passed, the user answers 4 and adds a comment, and
the console's dashboard shows the answer in its CSAT chart and table."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.feedback.models import Feedback
from bot.replies import reply
from bot.triage.training import QUEUES
from tests.conftest import Stack
from tests.e2e import test_console_workday as workday
from tests.e2e import test_widget as widget
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import fresh

pytestmark = pytest.mark.e2e

browser = widget.browser
host_page = widget.host_page
REPLY_MS = widget.REPLY_MS


@pytest.fixture
def two_windows(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """The user's page with the widget, and the agent's console, in profiles of their own."""
    user, agent = (browser.new_context(viewport={"width": 1280, "height": 800}) for _ in "ua")
    yield user.new_page(), agent.new_page()
    user.close()
    agent.close()


def _case_from_the_widget(page: Page, host_page: str) -> tuple[int, str]:
    """The user asks for a person through the hand-off form; the case's number, and
    the widget's log element's text so far."""
    page.goto(host_page)
    page.get_by_role("button", name="Fråga supporten").click()
    dialog = page.get_by_role("dialog", name="VIOL 3-support")
    log = dialog.get_by_role("log")
    for said, then in (
        ("jag vill prata med en människa", "Beskriv kort vad som har hänt"),
        ("Appen visar fel vikt på mitt senaste lass", "Vilket företag gäller det"),
        ("Åkeri Berg AB, förare", "Hur når vi dig"),
        ("070-123 45 67", "Svaret kommer här i chatten"),
    ):
        dialog.get_by_label("Ditt meddelande").fill(said)
        dialog.get_by_label("Ditt meddelande").press("Enter")
        expect(log).to_contain_text(then, timeout=REPLY_MS)
    found = re.search(r"Ärende (\d+) är skapat", log.inner_text())
    assert found, log.inner_text()
    return int(found.group(1)), log.inner_text()


def test_the_user_answers_the_question_after_a_resolve_and_the_dashboard_shows_it(
    two_windows: tuple[Page, Page], host_page: str, stack: Stack, db: Session
) -> None:
    user, console = two_windows
    ticket_id, _ = _case_from_the_widget(user, host_page)

    agent = workday._agent(db, queues=list(QUEUES))
    workday._log_in(console, stack, agent)
    console.goto(f"{stack.api}/console#/ticket/{ticket_id}")
    expect(console.locator("#ticket-title")).to_contain_text(f"Ärende {ticket_id}: ")
    console.get_by_role("button", name="Ta ärendet").click()
    expect(console.get_by_text("Tagen av dig")).to_be_visible()
    console.get_by_role("button", name="Markera som löst").click()
    expect(console.get_by_role("status")).to_contain_text("markerat som löst")

    # Once the undo window has passed, the widget's poll brings the notice and the question.
    dialog = user.get_by_role("dialog", name="VIOL 3-support")
    question = dialog.locator(".msg").filter(
        has_text=reply("feedback_question", "sv", ticket=ticket_id)
    )
    expect(question).to_be_visible(timeout=REPLY_MS)
    choices = question.get_by_role("button")
    expect(choices).to_have_text(["1", "2", "3", "4", "5"])
    assert_no_axe_violations(user, "the widget asking for feedback")

    choices.filter(has_text="4").click()
    log = dialog.get_by_role("log")
    expect(log).to_contain_text(reply("feedback_thanks_ask_comment", "sv"), timeout=REPLY_MS)
    dialog.get_by_label("Ditt meddelande").fill("Snabbt och trevligt bemötande")
    dialog.get_by_label("Ditt meddelande").press("Enter")
    expect(log).to_contain_text(reply("feedback_thanks_comment", "sv"), timeout=REPLY_MS)

    row = fresh(db).scalars(select(Feedback).where(Feedback.ticket_id == ticket_id)).one()
    assert (row.score, row.comment) == (4, "Snabbt och trevligt bemötande")

    console.goto(f"{stack.api}/console#/dashboard")
    chart = console.locator("figure.chart").filter(has_text="Kundnöjdhet per kö")
    expect(chart.get_by_role("img")).to_have_accessible_name(re.compile("med handläggare 4"))
    chart.get_by_text("Visa som tabell").click()
    table_row = chart.locator("tbody tr").filter(has_text="med handläggare")
    expect(table_row.locator("td")).to_have_text(
        [re.compile("med handläggare"), "1", "4", re.compile(r"100\s%")]
    )
    for title in ("Tid till första svar", "Tid till lösning", "Återöppnade", "Hållbara"):
        expect(console.locator("figure.chart").filter(has_text=title)).to_be_visible()
    expect(console.get_by_text("bedöms inte än")).to_be_visible()
    assert_no_axe_violations(console, "the dashboard with the feedback figures")
