"""The action server is internal: it listens on loopback only and answers only the
caller that knows its secret, Rasa. A stranger on the machine cannot open a ticket
through it (the forged-ticket attack of issue 12)."""

from __future__ import annotations

import socket

import httpx
import pytest
from sqlalchemy import func, select

from api.database import make_engine, session_factory
from api.tickets.models import Ticket
from rasa_sdk_plugins import HEADER, is_authorised
from tests.conftest import ACTIONS_TOKEN, Stack, unique

pytestmark = pytest.mark.e2e


def _forged_open_ticket(sender: str) -> dict[str, object]:
    """What the attacker sent: Rasa's webhook body, asking for the ticket action."""
    return {
        "next_action": "action_open_ticket",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "sv", "contact": "attacker@example.com"},
            "latest_message": {"text": "öppna ett ärende", "intent": {"name": "ask_human"}},
            "events": [],
        },
        "domain": {},
        "version": "3.6.21",
    }


def _tickets(stack: Stack) -> int:
    with session_factory(make_engine(stack.database_url))() as db:
        return int(db.scalar(select(func.count()).select_from(Ticket)) or 0)


@pytest.mark.parametrize("headers", [{}, {HEADER: "guessed"}, {HEADER: ""}])
def test_a_caller_without_the_secret_is_refused_and_opens_no_ticket(
    stack: Stack, headers: dict[str, str]
) -> None:
    before = _tickets(stack)
    response = httpx.post(
        f"{stack.actions}/webhook", json=_forged_open_ticket(unique("forger")), headers=headers
    )
    assert response.status_code == 401, response.text
    assert _tickets(stack) == before


def test_rasa_with_the_secret_still_runs_our_actions(stack: Stack) -> None:
    # A question answered from an article takes a custom action (action_decide_turn).
    answer = stack.chat(unique("guard"), "vad betyder avdrag på mätbeskedet?").json()
    assert answer["topic"] == "mb_deduction", answer
    assert httpx.get(f"{stack.actions}/health").status_code == 200


@pytest.mark.parametrize("service", ["actions", "rasa"])
def test_the_action_server_and_rasa_listen_on_loopback_only(stack: Stack, service: str) -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    port = getattr(stack.ports, service)
    socket.create_connection(("127.0.0.1", port), timeout=5).close()  # it is listening
    with pytest.raises(OSError):
        socket.create_connection((address, port), timeout=5).close()


def test_the_secret_is_compared_whole_and_never_empty() -> None:
    assert is_authorised(ACTIONS_TOKEN, ACTIONS_TOKEN)
    assert not is_authorised(ACTIONS_TOKEN[:-1], ACTIONS_TOKEN)
    assert not is_authorised("", "")
    assert not is_authorised(None, ACTIONS_TOKEN)


def _non_loopback_address() -> str | None:
    """This machine's address on its default route (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address
