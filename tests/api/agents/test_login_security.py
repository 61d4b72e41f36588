"""Login as an attacker would try it (issue 12): guessing passwords, telling known user
names from unknown ones, a session that outlives its use, a password that shows up in
an error. On a real database; time is passed in, never waited for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.agents import service, throttle
from api.agents.models import AgentRole
from api.agents.service import AuthenticationFailed, agent_for_token, create_agent
from api.agents.throttle import AccountLocked, LoginThrottled
from api.config import Settings

LOGIN = "/api/v1/agents/login"
PASSWORD = "rätt-lösenord-123"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IDLE = timedelta(minutes=60)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as db:
        yield db


def _policies(**changes: Any) -> dict[Any, throttle.Policy]:
    return throttle.policies(Settings(environment="test", **changes))


def _try(
    db: Session,
    username: str,
    password: str,
    now: datetime,
    address: str = "10.0.0.1",
    policies: dict[Any, throttle.Policy] | None = None,
) -> object:
    return service.login(
        db=db,
        username=username,
        password=password,
        address=address,
        policies=policies or _policies(),
        idle=IDLE,
        now=now,
    )


def _outcome(db: Session, username: str, password: str, now: datetime) -> str:
    try:
        _try(db, username, password, now)
    except AuthenticationFailed:
        return "wrong"
    except LoginThrottled as exc:
        return f"wait {exc.seconds}"
    except AccountLocked:
        return "locked"
    return "in"


@pytest.mark.parametrize("username", ["anna", "nobody"])
def test_thirty_wrong_passwords_slow_down_then_lock_the_name_known_or_not(
    session: Session, username: str
) -> None:
    create_agent(
        db=session, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    now, seen = T0, []
    for _ in range(30):
        outcome = _outcome(session, username, "gissning", now)
        seen.append(outcome)
        if outcome.startswith("wait"):
            assert _outcome(session, username, PASSWORD, now) == outcome  # not even the right one
            now += timedelta(seconds=int(outcome.split()[1]))
    tries = [o for o in seen if not o.startswith("wait")]
    # 3 failures free, then 1 s, 2 s, 4 s ... before each next try; after the 10th
    # in a row, locked
    assert tries[:10] == ["wrong"] * 10 and set(tries[10:]) == {"locked"}
    assert [o for o in seen if o.startswith("wait")][:3] == ["wait 1", "wait 2", "wait 4"]
    later = now + timedelta(days=30)
    assert _outcome(session, username, PASSWORD, later) == "locked"  # until an admin unlocks


def test_a_right_password_starts_the_count_again(session: Session) -> None:
    create_agent(
        db=session, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    for _ in range(3):
        assert _outcome(session, "anna", "fel", T0) == "wrong"
    assert _outcome(session, "anna", PASSWORD, T0) == "wait 1"
    assert _outcome(session, "anna", PASSWORD, T0 + timedelta(seconds=1)) == "in"
    for _ in range(3):  # three free failures again, not a delay after the first
        assert _outcome(session, "anna", "fel", T0 + timedelta(seconds=2)) == "wrong"


def test_one_address_trying_many_names_is_slowed_down(session: Session) -> None:
    policies = _policies(login_address_free_failures=5)
    for i in range(5):
        with pytest.raises(AuthenticationFailed):
            _try(session, f"user{i}", "x", T0, address="10.9.9.9", policies=policies)
    with pytest.raises(LoginThrottled):
        _try(session, "user99", "x", T0, address="10.9.9.9", policies=policies)
    with pytest.raises(AuthenticationFailed):  # another address is not held up
        _try(session, "user99", "x", T0, address="10.1.1.1", policies=policies)
    quiet = T0 + timedelta(minutes=16)  # an address's failures are forgotten after a while
    with pytest.raises(AuthenticationFailed):
        _try(session, "user98", "x", quiet, address="10.9.9.9", policies=policies)


@pytest.fixture
def slow_settings(settings: Settings) -> Settings:
    # Long waits, so that no pause between two requests of this test can outlast one.
    return settings.model_copy(
        update={"login_first_delay_seconds": 600, "login_longest_delay_seconds": 3600}
    )


@pytest.fixture
def slow_client(slow_settings: Settings) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app(slow_settings)) as test_client:
        yield test_client


def test_over_http_repeated_failures_get_429_with_retry_after(
    slow_client: TestClient, factory: sessionmaker[Session]
) -> None:
    with factory() as db:
        create_agent(
            db=db, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
        )
    wrong = {"username": "anna", "password": "gissning"}
    assert [slow_client.post(LOGIN, json=wrong).status_code for _ in range(3)] == [401] * 3
    held = slow_client.post(LOGIN, json={"username": "anna", "password": PASSWORD})
    assert held.status_code == 429 and held.json()["code"] == "login_throttled"
    assert 590 <= int(held.headers["Retry-After"]) <= 600
    unknown = slow_client.post(LOGIN, json={"username": "nobody", "password": "gissning"})
    assert unknown.status_code == 401  # another name is its own count


def test_a_locked_account_is_unlocked_by_an_admin_over_http(
    client: TestClient, db: Session
) -> None:
    anna = create_agent(
        db=db, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    create_agent(db=db, username="boss", display_name="B", password=PASSWORD, role=AgentRole.ADMIN)
    when = datetime(2020, 1, 1, tzinfo=UTC)  # long ago: every wait is over by now
    for i in range(10):
        _outcome(db, "anna", "gissning", when + timedelta(hours=i))
    locked = client.post(LOGIN, json={"username": "anna", "password": PASSWORD})
    assert locked.status_code == 423 and locked.json()["code"] == "account_locked"

    token = client.post(LOGIN, json={"username": "boss", "password": PASSWORD}).json()["token"]
    boss = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/agents", headers=boss).json()["agents"]
    assert {a["username"]: a["locked"] for a in listed} == {"anna": True, "boss": False}
    unlocked = client.post(f"/api/v1/agents/{anna.id}/unlock", headers=boss)
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    assert client.post(LOGIN, json={"username": "anna", "password": PASSWORD}).status_code == 200


def test_an_agent_cannot_unlock(client: TestClient, db: Session) -> None:
    anna = create_agent(
        db=db, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    token = client.post(LOGIN, json={"username": "anna", "password": PASSWORD}).json()["token"]
    refused = client.post(
        f"/api/v1/agents/{anna.id}/unlock", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403


def test_an_unknown_name_costs_the_same_hashing_as_a_known_one(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_agent(
        db=session, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    calls: list[tuple[int, int, int, int]] = []
    real = hashlib.scrypt

    def counted(password: bytes, *, salt: bytes, n: int, r: int, p: int, **kw: Any) -> bytes:
        calls.append((len(salt), n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, **kw)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    work = {}
    for name in ("anna", "nobody"):
        calls.clear()
        with pytest.raises(AuthenticationFailed):
            _try(session, name, "gissning", T0)
        work[name] = list(calls)
    assert work["anna"] == work["nobody"] == [(16, 2**14, 8, 1)]


def test_logout_revokes_the_token_and_only_that_one(client: TestClient, db: Session) -> None:
    create_agent(db=db, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT)
    body = {"username": "anna", "password": PASSWORD}
    first, second = (
        {"Authorization": f"Bearer {client.post(LOGIN, json=body).json()['token']}"}
        for _ in range(2)
    )
    assert client.get("/api/v1/agents/me", headers=first).json()["username"] == "anna"
    out = client.post("/api/v1/agents/logout", headers=first)
    assert out.status_code == 204
    assert client.get("/api/v1/agents/me", headers=first).status_code == 401
    assert client.post("/api/v1/agents/logout", headers=first).status_code == 401
    assert client.get("/api/v1/agents/me", headers=second).status_code == 200


def test_a_session_ends_after_an_hour_without_use(session: Session) -> None:
    create_agent(
        db=session, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    _, token = _try(session, "anna", PASSWORD, T0)
    busy = T0
    for _ in range(5):  # used every 50 minutes: it lives on, past the first hour
        busy += timedelta(minutes=50)
        assert agent_for_token(db=session, token=token, now=busy).username == "anna"
    with pytest.raises(AuthenticationFailed):
        agent_for_token(db=session, token=token, now=busy + IDLE)
    with pytest.raises(AuthenticationFailed):  # and it does not come back
        agent_for_token(db=session, token=token, now=busy)


def test_a_session_ends_after_twelve_hours_however_busy(session: Session) -> None:
    create_agent(
        db=session, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT
    )
    _, token = _try(session, "anna", PASSWORD, T0)
    now = T0
    while now < T0 + service.TOKEN_LIFETIME - timedelta(minutes=30):
        now += timedelta(minutes=30)
        agent_for_token(db=session, token=token, now=now)
    with pytest.raises(AuthenticationFailed):
        agent_for_token(db=session, token=token, now=T0 + service.TOKEN_LIFETIME)


def test_the_idle_limit_is_the_setting(client: TestClient, db: Session) -> None:
    create_agent(db=db, username="anna", display_name="A", password=PASSWORD, role=AgentRole.AGENT)
    token = client.post(LOGIN, json={"username": "anna", "password": PASSWORD}).json()["token"]
    assert agent_for_token(db=db, token=token).username == "anna"
    with pytest.raises(AuthenticationFailed):
        agent_for_token(db=db, token=token, now=datetime.now(UTC) + timedelta(minutes=61))


@pytest.mark.parametrize(
    "body",
    [
        {"username": "", "password": "hemligt-lösen-42"},  # too short a name
        {"password": "hemligt-lösen-42"},  # no name at all: the error is about the body
        {"username": "anna", "password": ["hemligt-lösen-42"]},  # wrong type
    ],
)
def test_a_422_never_echoes_the_password(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(LOGIN, json=body)
    assert response.status_code == 422
    assert "hemligt" not in response.text
    assert all(set(e) <= {"loc", "msg", "type"} for e in response.json()["errors"])
