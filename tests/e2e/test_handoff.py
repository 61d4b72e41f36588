"""Asking for a person in chat: the form asks only what is missing, a ticket opens,
an agent answers, and the user sees the answer in the same conversation."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.conversations.models import Message
from api.database import make_engine, session_factory, utcnow
from api.tickets.models import Ticket
from bot.triage.training import QUEUES
from tests.conftest import Stack, unique, wait_until
from tests.e2e.conftest import fresh

pytestmark = pytest.mark.e2e


def _tickets(stack: Stack) -> int:
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as db:
        count = db.scalar(select(func.count()).select_from(Ticket)) or 0
    engine.dispose()
    return count


def _agent_token(stack: Stack, username: str, name: str) -> str:
    """A new agent account's login token."""
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as db:
        create_agent(
            db=db,
            username=username,
            display_name=name,
            password="pw-e2e",
            role=AgentRole.AGENT,
            queues=QUEUES,
        )
    engine.dispose()
    login = {"username": username, "password": "pw-e2e"}
    token: str = httpx.post(f"{stack.api}/api/v1/agents/login", json=login).json()["token"]
    return token


def test_a_user_asks_for_a_person_and_gets_an_answer_from_an_agent(stack: Stack) -> None:
    sender = unique("e2e-handoff-fi")
    before = _tickets(stack)
    first = stack.chat(sender, "haluan puhua ihmisen kanssa").json()
    assert first["language"] == "fi" and first["intent"] == "ask_human"
    assert first["decision"] == "handoff" and "asked for a person" in first["reasons"], first
    assert "Kerro lyhyesti" in first["messages"][0]["text"]
    stack.chat(sender, "kuljettaja seisoo mittauspaikalla eikä pääse kirjautumaan")
    stack.chat(sender, "Kuljetus Virtanen Oy, kuljettaja")
    done = stack.chat(sender, "+358 40 123 4567").json()
    assert done["handoff"] is not None, done
    ticket_id = done["handoff"]["ticket_id"]
    assert (done["handoff"]["queue"], done["handoff"]["priority"]) == ("driver", 1)
    assert f"Tapaus {ticket_id}" in done["messages"][0]["text"]
    assert _tickets(stack) == before + 1

    # While a person has it, the user's words go to the ticket, not the bot.
    waiting = stack.chat(sender, "onko siellä ketään?").json()
    assert waiting["handoff"]["ticket_id"] == ticket_id

    api = stack.api
    token = _agent_token(stack, unique("e2e-anna"), "Anna")
    agent = {"Authorization": f"Bearer {token}"}
    ticket = httpx.get(f"{api}/api/v1/tickets/{ticket_id}", headers=agent).json()
    said = [line["text"] for line in ticket["transcript"]]
    asked = next(
        line for line in ticket["transcript"] if line["text"] == "haluan puhua ihmisen kanssa"
    )
    assert asked["decision"] == "handoff" and "asked for a person" in asked["reasons"]
    assert "onko siellä ketään?" in said and ticket["contact"] == "+358 40 123 4567"
    assert "[telefon]" in said  # the number is masked in the transcript, kept on the ticket
    httpx.post(f"{api}/api/v1/tickets/{ticket_id}/claim", headers=agent)
    httpx.post(
        f"{api}/api/v1/tickets/{ticket_id}/reply",
        json={"text": "Hei! Nollasin salasanasi, kokeile uudelleen."},
        headers=agent,
    )
    new = stack.poll(sender).json()
    assert [m["text"] for m in new["messages"]] == ["Hei! Nollasin salasanasi, kokeile uudelleen."]

    httpx.post(f"{api}/api/v1/tickets/{ticket_id}/resolve", headers=agent)
    back = stack.chat(sender, "kiitos, nyt toimii").json()
    assert back["handoff"] is None and back["intent"] == "thanks"


def test_after_two_questions_without_an_answer_a_person_takes_over(stack: Stack) -> None:
    sender = unique("e2e-two-misses")
    first = stack.chat(
        sender, "varför är fakturan från er dubbel den här månaden", language="sv"
    ).json()
    assert first["topic"] is None and first["handoff"] is None
    second = stack.chat(sender, "kan ni ändra mitt kontrakt med köparen", language="sv").json()
    texts = " ".join(m["text"] for m in second["messages"])
    # The two unanswered questions are the description: the form does not ask for one.
    assert "lämnar över till en person" in texts and "Vilket företag" in texts, texts
    assert "Beskriv kort" not in texts, texts


def _texts(body: dict) -> str:  # type: ignore[type-arg]
    return " ".join(m["text"] for m in body["messages"])


def test_an_order_goes_to_a_person_without_the_user_asking(stack: Stack) -> None:
    sender = unique("e2e-order-sv")
    first = stack.chat(sender, "Vi vill beställa en ny användare till vår nya chaufför Per Berg")
    said = _texts(first.json())
    # no "describe your matter": what they wrote is the description
    assert "behöver en handläggare göra" in said and "Vilket företag" in said, said
    assert "Beskriv kort" not in said
    assert (first.json()["handoff"]["queue"], first.json()["handoff"]["priority"]) == ("access", 4)
    # An order for a user: the form asks what the agent needs to create it, not
    # what the message gave ("Per Berg").
    middle = stack.chat(sender, "Åkeri Berg AB, trafikledare").json()
    assert middle["handoff"] == first.json()["handoff"]  # from that turn on
    assert "Vilken behörighet" in _texts(middle), middle
    asked = stack.chat(sender, "Chaufförsklienten och leveransavisering").json()
    assert "Vilken e-postadress ska användaren ha" in _texts(asked), asked
    stack.chat(sender, "per.berg@bergsakeri.se")
    done = stack.chat(sender, "trafik@bergsakeri.se").json()
    assert done["handoff"] == first.json()["handoff"], done
    agent = {"Authorization": f"Bearer {_agent_token(stack, unique('e2e-order'), 'Eva')}"}
    ticket_id = done["handoff"]["ticket_id"]
    ticket = httpx.get(f"{stack.api}/api/v1/tickets/{ticket_id}", headers=agent).json()
    assert "Åkeri Berg AB" in ticket["description"]
    assert ticket["order"]["kind"] == "user" and ticket["order"]["missing"] == [], ticket["order"]
    fields = ticket["order"]["fields"]
    assert fields["person"] == "Per Berg" and fields["company"] == "Åkeri Berg AB, trafikledare"
    assert fields["access"] == "Chaufförsklienten och leveransavisering"
    assert fields["email"] == "[e-post]"  # masked here, revealed from the transcript
    # The new user's address is the order's; the caller's own is the contact.
    assert ticket["contact"] == "trafik@bergsakeri.se", ticket


def test_an_address_in_the_order_is_the_new_users_and_the_caller_is_asked_for_theirs(
    stack: Stack,
) -> None:
    sender = unique("e2e-order-email")
    first = stack.chat(
        sender, "Vi behöver ett konto i VIOL 3 till vår nya förare Kalle Ek, kalle.ek@akeriet.se"
    ).json()
    assert (first["handoff"]["queue"], first["handoff"]["priority"]) == ("access", 4), first
    stack.chat(sender, "Åkeriet Ek AB")
    asked = stack.chat(sender, "Chaufförsklienten").json()
    # The address in the order was Kalle's: the caller is still asked how to reach them.
    assert "Hur når vi dig" in _texts(asked), asked
    stack.chat(sender, "0701234567")
    agent = {"Authorization": f"Bearer {_agent_token(stack, unique('e2e-order'), 'Eva')}"}
    ticket_id = first["handoff"]["ticket_id"]
    ticket = httpx.get(f"{stack.api}/api/v1/tickets/{ticket_id}", headers=agent).json()
    assert ticket["order"]["fields"]["person"] == "Kalle Ek", ticket["order"]
    assert ticket["contact"] == "0701234567", ticket


def _told_by_now(db: Session, ticket_id: int) -> bool:
    """Whether the ticket's resolution notice is stored and due (the agent's undo
    window has passed), so that the user's next poll shows it."""
    ticket = fresh(db).get(Ticket, ticket_id)
    assert ticket is not None
    due = select(Message.id).where(
        Message.conversation_id == ticket.conversation_id,
        Message.author == "notice",
        Message.created_at <= utcnow(),
    )
    return db.scalars(due).first() is not None


def test_writing_again_after_resolve_reopens_the_same_case(stack: Stack, db: Session) -> None:
    sender = unique("e2e-reopen-en")
    stack.chat(sender, "I want to talk to a person", language="en")
    stack.chat(sender, "the price list for our sawmill shows last year's prices")
    stack.chat(sender, "Norrskog, accountant")
    done = stack.chat(sender, "ekonomi@norrskog.example").json()
    ticket_id = done["handoff"]["ticket_id"]
    api = stack.api
    token = _agent_token(stack, unique("e2e-bo"), "Bo")
    agent = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{api}/api/v1/tickets/{ticket_id}/claim", headers=agent)
    httpx.post(
        f"{api}/api/v1/tickets/{ticket_id}/reply",
        json={"text": "Fixed, please check the price list again."},
        headers=agent,
    )
    httpx.post(f"{api}/api/v1/tickets/{ticket_id}/resolve", headers=agent)
    # The user is told once the agent's undo window has passed.
    wait_until(lambda: _told_by_now(db, ticket_id), "the resolution notice due")
    notices = [m for m in stack.poll(sender).json()["messages"] if m["author"] == "notice"]
    assert f"Case {ticket_id} is now resolved" in notices[-1]["text"]

    # the bot has the conversation again; the user needs a person once more
    again = stack.chat(sender, "still wrong, I need to talk to a person").json()
    # What they wrote says what it is about: the same case is reopened at once,
    # and the form goes on to the company.
    assert again["handoff"]["ticket_id"] == ticket_id, again
    assert "Which company" in _texts(again), again
    # The e-mail address was given in this conversation before: not asked again.
    reopened = stack.chat(sender, "Norrskog, accountant").json()
    assert reopened["handoff"]["ticket_id"] == ticket_id, reopened
    assert "reopened" in _texts(reopened)
    ticket = httpx.get(f"{api}/api/v1/tickets/{ticket_id}", headers=agent).json()
    assert ticket["status"] == "open" and ticket["events"][-1]["action"] == "reopened"


def test_a_question_in_the_middle_of_the_form_is_answered_and_the_form_goes_on(
    stack: Stack,
) -> None:
    sender = unique("e2e-form-question")
    first = stack.chat(sender, "Vi behöver ett nytt konto till vår nya chaufför Per Berg").json()
    assert "Vilket företag" in _texts(first), first
    asked = stack.chat(sender, "vad kostar det att få hjälp av supporten?").json()
    assert asked["topic"] == "support_costs", asked
    assert "Vilket företag" in _texts(asked), asked  # and the form asks again
    stack.chat(sender, "Åkeri Berg AB, trafikledare")
    stack.chat(sender, "Chaufförsklienten")
    asked = stack.chat(sender, "per@bergsakeri.se").json()  # the new user's address
    assert "Hur når vi dig" in _texts(asked), asked
    done = stack.chat(sender, "trafik@bergsakeri.se").json()
    assert done["handoff"] == first["handoff"] and "är skapat" in _texts(done), done


@pytest.mark.parametrize(
    ("ask", "cancel", "said"),
    [
        ("jag vill prata med en människa", "avbryt", "avbryter"),
        ("I want to talk to a person", "cancel that please", "cancelled"),
        ("haluan puhua ihmisen kanssa", "peruuta", "perun"),
    ],
)
def test_the_form_can_be_cancelled(stack: Stack, ask: str, cancel: str, said: str) -> None:
    sender = unique("e2e-cancel")
    before = _tickets(stack)
    stack.chat(sender, ask)
    stopped = stack.chat(sender, cancel).json()
    assert said in _texts(stopped) and stopped["handoff"] is None, stopped
    assert _tickets(stack) == before  # nothing was registered
    again = stack.chat(sender, "hur loggar jag in i chaufförsklienten?").json()
    assert again["topic"] == "driver_login", again  # the assistant answers again
