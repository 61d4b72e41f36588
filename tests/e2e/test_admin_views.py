"""The admins' views of the agent console in a real browser (Debian's chromium), on
the real stack: the case register's webhooks (an endpoint on a real receiver on
this machine, its secret shown once, a signed test ping delivered through the
outbox, pause) and retention (the periods, a run started by hand, the erasure of
one web conversation with its confirmation step). An agent sees neither view's
link. Each view gets an axe-core check.

The stack's database is shared by the whole run: each test marks what it makes
with a name of its own and looks for that."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from api.agents.models import AgentRole
from api.conversations.models import Conversation, Message
from api.conversations.service import find_conversation
from tests.api.webhooks.receiver import Receiver, receiver
from tests.conftest import Stack, unique, wait_until
from tests.e2e import test_console_workday as console
from tests.e2e import test_widget as widget
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import fresh, user_messages

pytestmark = pytest.mark.e2e

browser = widget.browser
WAIT_MS = 20_000  # another test run may share the cores: generous waits
ENDPOINTS = "/api/v1/webhooks/endpoints"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    """A real HTTP receiver on 127.0.0.1 (so a private-network address)."""
    with receiver() as running:
        yield running


def _token(stack: Stack, login: console.Login) -> dict[str, str]:
    body = {"username": login.username, "password": login.password}
    answer = httpx.post(f"{stack.api}/api/v1/agents/login", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _log_in(page: Page, stack: Stack, login: console.Login, at: str) -> None:
    page.goto(f"{stack.api}/console{at}")
    page.get_by_label("Användarnamn").fill(login.username)
    page.get_by_label("Lösenord").fill(login.password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text(login.name, timeout=30_000)


def _nav(page: Page, name: str) -> Locator:
    return page.locator("#nav").get_by_role("link", name=name, exact=True)


def _deliveries(stack: Stack, admin: dict[str, str], endpoint: int) -> list[dict[str, Any]]:
    url = f"{stack.api}{ENDPOINTS}/{endpoint}/deliveries"
    answer = httpx.get(url, headers=admin, timeout=30)
    assert answer.status_code == 200, answer.text
    deliveries: list[dict[str, Any]] = answer.json()["deliveries"]
    return deliveries


def test_an_agent_sees_no_link_to_the_admin_views(page: Page, stack: Stack, db: Session) -> None:
    agent = console._agent(db, queues=["driver"])
    _log_in(page, stack, agent, "#/queues")
    # The optional views' links are set together, once every probe has answered.
    expect(_nav(page, "Driftstörningar")).to_be_visible(timeout=WAIT_MS)
    expect(_nav(page, "Ärenderegister")).to_be_hidden()
    expect(_nav(page, "Gallring")).to_be_hidden()
    token = _token(stack, agent)
    for path in (ENDPOINTS, "/api/v1/retention/policy"):
        assert httpx.get(f"{stack.api}{path}", headers=token, timeout=30).status_code == 403


def test_an_admin_registers_a_receiver_tests_it_and_pauses_it(
    page: Page, stack: Stack, db: Session, hook: Receiver
) -> None:
    mark = unique("Platina")
    login = console._agent(db, queues=[], role=AgentRole.ADMIN)
    admin = _token(stack, login)
    _log_in(page, stack, login, "#/webhooks")
    expect(_nav(page, "Ärenderegister")).to_be_visible(timeout=WAIT_MS)
    expect(_nav(page, "Gallring")).to_be_visible()
    view = page.locator("#webhooks")
    form = view.locator("form", has=page.get_by_role("heading", name="Registrera en mottagare"))
    expect(form).to_be_visible(timeout=WAIT_MS)

    form.get_by_label("Adress", exact=True).fill(hook.url)
    form.get_by_label("Beskrivning (valfri)").fill(mark)
    form.get_by_label("Tillåt okrypterad http (bara inom ett betrott nät)").check()
    warning = form.locator("#wh-private-warning")
    expect(warning).to_be_hidden()
    form.get_by_label("Tillåt adresser i interna nät").check()
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(warning).to_contain_text("Varning: då kan systemet skicka anrop till maskiner")
    expect(warning).to_contain_text("Ditt namn sparas med inställningen.")
    form.get_by_role("button", name="Registrera", exact=True).click()

    expect(page.locator("#notice")).to_contain_text("Mottagaren är registrerad.", timeout=WAIT_MS)
    panel = view.get_by_role("status").filter(has_text="Signeringsnyckel")
    expect(panel).to_contain_text("Den visas bara den här gången och kan inte hämtas igen.")
    field = panel.get_by_label("Nyckel", exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/=]+$"))
    secret = field.input_value()

    card = view.locator("li.panel", has=page.get_by_role("heading", name=mark))
    expect(card).to_contain_text(hook.url)
    expect(card).to_contain_text("Aktiv")
    expect(card).to_contain_text("Alla händelser")
    expect(card.locator("dd", has_text="Tillåtet av")).to_contain_text(login.username)
    assert_no_axe_violations(page, "webhooks view with a new secret")

    panel.get_by_role("button", name="Jag har sparat nyckeln").click()
    expect(panel).to_have_count(0, timeout=WAIT_MS)
    expect(view.get_by_label("Nyckel", exact=True)).to_have_count(0)
    page.reload()  # the secret is gone for good: the server never gives it again
    expect(card).to_contain_text("Aktiv", timeout=WAIT_MS)
    expect(page.locator("body")).not_to_contain_text(secret)
    [endpoint] = [
        e
        for e in httpx.get(f"{stack.api}{ENDPOINTS}", headers=admin, timeout=30).json()["endpoints"]
        if e["description"] == mark
    ]
    assert "secret" not in endpoint

    card.get_by_role("button", name="Skicka test").click()
    expect(page.locator("#notice")).to_contain_text(
        "Testet ligger i kön och skickas strax.", timeout=WAIT_MS
    )
    log = card.get_by_role("table", name="Senaste leveranserna")
    expect(log.locator("tbody tr")).to_have_count(1, timeout=WAIT_MS)
    expect(log.locator("tbody tr").first).to_contain_text("Test")

    # The outbox sender posts it to the receiver, signed with the secret shown once.
    wait_until(lambda: len(hook.requests) >= 1, "the test ping at the receiver")
    [request] = hook.requests
    assert request.path == "/hooks/viol3"
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "webhook.ping"
    wait_until(
        lambda: _deliveries(stack, admin, endpoint["id"])[0]["status"] == "sent",
        "the ping recorded as delivered",
    )
    [delivery] = _deliveries(stack, admin, endpoint["id"])
    assert delivery["webhook_id"] == request.headers["webhook-id"]

    # The admin folds the deliveries and opens them again: read anew, now delivered.
    toggle = card.get_by_role("button", name="Leveranser", exact=True)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false", timeout=WAIT_MS)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true", timeout=WAIT_MS)
    row = log.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Test")
    expect(row).to_contain_text("Levererad")
    expect(row.locator("td.num")).to_have_text("1")  # one try
    assert_no_axe_violations(page, "webhooks view with its deliveries")

    card.get_by_role("button", name="Pausa", exact=True).click()
    expect(card).to_contain_text("Pausad", timeout=WAIT_MS)
    expect(card.get_by_role("button", name="Återuppta", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name="Pausa", exact=True)).to_have_count(0)
    stored = httpx.get(f"{stack.api}{ENDPOINTS}/{endpoint['id']}", headers=admin, timeout=30)
    assert stored.json()["status"] == "paused"


def test_an_admin_runs_the_clean_up_and_erases_a_web_conversation(
    page: Page, stack: Stack, db: Session
) -> None:
    sender = unique("e2e-erase")
    said = "Hej, jag kommer inte in i Chaufförsklienten"
    answer = stack.chat(sender, said)
    assert answer.status_code == 200, answer.text
    conversation = find_conversation(db=fresh(db), channel="web", sender=sender)
    assert conversation is not None
    conversation_id = conversation.id
    assert user_messages(db, "web", sender) == 1

    login = console._agent(db, queues=[], role=AgentRole.ADMIN)
    admin = _token(stack, login)
    _log_in(page, stack, login, "#/privacy")
    expect(_nav(page, "Gallring")).to_be_visible(timeout=WAIT_MS)
    view = page.locator("#privacy")

    policy = httpx.get(f"{stack.api}/api/v1/retention/policy", headers=admin, timeout=30).json()
    periods = view.get_by_role("table", name=re.compile("^Gallringen körs var"))
    expect(periods).to_be_visible(timeout=WAIT_MS)
    hours = f"{policy['every_hours']:g}"
    expect(periods.locator("caption")).to_have_text(
        f"Gallringen körs var {hours}:e timme, {policy['batch_size']} rader åt gången."
    )
    expect(periods.locator("tbody tr")).to_have_count(len(policy["periods"]))
    conversations = periods.locator("tbody tr", has_text="Kontakter som aldrig blev ärenden")
    expect(conversations).to_contain_text("VIOL3_RETENTION_CONVERSATION_DAYS")
    for period in policy["periods"]:
        kept = f"{period['days']} dagar" if period["days"] else "Gallras inte"
        row = periods.locator("tbody tr", has_text=period["setting"])
        expect(row.locator("td").first).to_have_text(kept)

    # Run now: a new report, started by this admin.
    runs = view.locator("section", has=page.get_by_role("heading", name="Senaste gallringarna"))
    mine = runs.locator("tbody tr", has_text=login.username)
    expect(mine).to_have_count(0)
    view.get_by_role("button", name="Gallra nu").click()
    expect(page.locator("#notice")).to_contain_text("Gallringen är klar:", timeout=WAIT_MS)
    expect(mine).to_have_count(1, timeout=WAIT_MS)
    expect(mine.locator("td").nth(2)).to_have_text("Klar")
    expect(mine.locator("td").nth(3)).not_to_be_empty()

    # Erase the web conversation by its id, after the confirmation step.
    view.get_by_label("Sök på", exact=True).select_option(label="konversations-id")
    view.get_by_label("Telefonnummer, e-postadress eller konversations-id").fill(
        str(conversation_id)
    )
    view.get_by_role("button", name="Fortsätt").click()
    confirm = view.get_by_role("alert")
    expect(confirm).to_contain_text("Du söker på konversations-id.", timeout=WAIT_MS)
    expect(confirm).to_contain_text("raderas för gott och kan inte återställas")
    yes = confirm.get_by_role("button", name="Ja, radera")
    expect(yes).to_be_focused()
    assert user_messages(db, "web", sender) == 1  # nothing sent before the confirmation
    assert_no_axe_violations(page, "privacy view asking to confirm an erasure")
    yes.click()

    expect(page.locator("#notice")).to_contain_text("Uppgifterna är raderade:", timeout=WAIT_MS)
    expect(page.locator("#notice")).to_contain_text("kontakter: 1")
    expect(confirm).to_have_count(0, timeout=WAIT_MS)
    records = view.get_by_role("table", name=re.compile("^Vem som raderade"))
    record = records.locator("tbody tr", has_text=login.username)
    expect(record).to_have_count(1, timeout=WAIT_MS)
    cells = record.locator("td")
    expect(cells.nth(1)).to_have_text(login.username)
    expect(cells.nth(2)).to_have_text("konversations-id")  # the kind, never the id itself
    expect(cells.nth(3)).to_contain_text(re.compile(r"(^|, )kontakter: 1(,|$)"))
    expect(cells.nth(3)).to_contain_text(re.compile(r"meddelanden: [1-9]"))
    expect(cells).to_have_count(4)  # when, who, the kind and the counts: nothing more
    expect(records).not_to_contain_text(sender)
    listed = httpx.get(f"{stack.api}/api/v1/retention/erasures", headers=admin, timeout=30)
    [stored] = [e for e in listed.json()["erasures"] if e["requested_by"] == login.username]
    assert set(stored) == {"id", "requested_by", "requested_at", "identifier_kind", "counts"}
    assert stored["identifier_kind"] == "conversation"
    assert_no_axe_violations(page, "privacy view with an erasure record")

    # In the database: the conversation is kept, anonymised, with what was said blanked.
    session = fresh(db)
    erased = session.get(Conversation, conversation_id)
    assert erased is not None
    assert erased.sender != sender and erased.token_hash is None
    assert find_conversation(db=session, channel="web", sender=sender) is None
    assert user_messages(db, "web", sender) == 0
    texts = session.scalars(
        select(Message.text).where(Message.conversation_id == conversation_id)
    ).all()
    assert texts and all(text == "" for text in texts)
    users = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.author == "user")
    ).all()
    assert len(users) == 1 and users[0].text == "" and users[0].sealed_original is None
