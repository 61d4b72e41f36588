"""The feedback question after a resolve and at the end of an assistant's conversation,
and its answers on the web chat and SMS (the phone's question goes by SMS).

Rasa is not running here (tests/api/conftest.py): a message that is not a feedback
answer gets the gateway's "assistant unavailable" text, which is how these tests
see that the turn went on as usual.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.addresses import address_secret, pseudonym
from api.agents.models import Agent, AgentRole
from api.agents.service import create_agent
from api.config import Settings
from api.conversations.models import Conversation, Message, MessageStatus
from api.conversations.schemas import ChatResponse
from api.database import utcnow
from api.feedback.models import Feedback, FeedbackKind
from api.feedback.service import ask_at_the_end, mobile_number, parse_answer
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets import service as tickets
from api.tickets.models import Ticket
from bot.replies import reply
from tests.api.channels.twilio_signing import signed, sms_params, with_twilio
from tests.api.desk import logged_in, ticket_on
from tests.web_chat import WebChat

UNDO = timedelta(seconds=30)
MOBILE = "+46701234567"
LANDLINE = "+46812345678"  # Stockholm, 08-123 456 78
SMS_PATH = "/api/v1/channels/twilio/sms"
_sids = count(1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_twilio(settings, resolve_undo_seconds=UNDO.total_seconds())


@pytest.fixture
def agent(db: Session) -> Agent:
    return create_agent(
        db=db,
        username="anna",
        display_name="Anna",
        password="anna-password",
        role=AgentRole.AGENT,
        queues=["driver", "general"],
    )


def web_user(web: WebChat, db: Session, sender: str) -> Conversation:
    """A web chat user who has written once (and holds the conversation's token)."""
    assert web.send(sender, "hej").status_code == 200
    conversation = db.scalars(select(Conversation).where(Conversation.sender == sender)).one()
    return conversation


def resolved_long_ago(db: Session, ticket: Ticket, agent: Agent, settings: Settings) -> None:
    """Resolved so long ago that the undo window has passed: the user has been told."""
    tickets.resolve(
        db=db,
        ticket=ticket,
        agent=agent,
        undo_window=UNDO,
        now=utcnow() - 2 * UNDO,
        settings=settings,
    )


def polled(web: WebChat, sender: str) -> list[dict[str, object]]:
    response = web.poll(sender)
    assert response.status_code == 200
    messages: list[dict[str, object]] = response.json()["messages"]
    return messages


def feedback_rows(db: Session) -> list[Feedback]:
    db.expire_all()
    return list(db.scalars(select(Feedback).order_by(Feedback.id)))


def sms(client: TestClient, number: str, body: str) -> list[str]:
    """An SMS as Twilio posts it; the texts answered in the TwiML."""
    params = sms_params(number, body, f"SM{next(_sids):032x}")
    url = f"http://testserver{SMS_PATH}"
    response = client.post(SMS_PATH, data=params, headers=signed(url, params))
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


def unavailable(language: str = "sv") -> str:
    return reply("assistant_unavailable", language)


# ---- the question after a resolve --------------------------------------------------


def test_the_question_follows_the_notice_once_the_undo_window_has_passed(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-told")
    ticket = ticket_on(db, conversation)
    resolved_long_ago(db, ticket, agent, settings)

    notice, question = polled(web, "u-told")
    assert notice["text"] == reply("ticket_resolved", "sv", ticket=ticket.id)
    assert question["text"] == reply("feedback_question", "sv", ticket=ticket.id)
    assert [b["title"] for b in question["buttons"]] == ["1", "2", "3", "4", "5"]  # type: ignore[union-attr]
    assert notice["buttons"] == []


def test_the_question_waits_out_the_undo_window_and_an_undo_withdraws_it(
    client: TestClient, web: WebChat, db: Session, settings: Settings
) -> None:
    headers = logged_in(client, db, "bo", queues=["driver"])
    conversation = web_user(web, db, "u-undo")
    ticket = ticket_on(db, conversation)

    assert client.post(f"/api/v1/tickets/{ticket.id}/resolve", headers=headers).status_code == 200
    assert polled(web, "u-undo") == []  # nothing told while the resolve can be undone
    [row] = feedback_rows(db)
    assert row.asked_at > utcnow()
    question_id = row.question_message_id

    undone = client.post(f"/api/v1/tickets/{ticket.id}/undo-resolve", headers=headers)
    assert undone.status_code == 200
    assert feedback_rows(db) == []
    assert question_id is not None and db.get(Message, question_id) is None
    assert polled(web, "u-undo") == []


def test_a_reopen_before_the_question_is_told_withdraws_it(
    client: TestClient, web: WebChat, db: Session, settings: Settings
) -> None:
    headers = logged_in(client, db, "bo", queues=["driver"])
    conversation = web_user(web, db, "u-reopen")
    ticket = ticket_on(db, conversation)
    client.post(f"/api/v1/tickets/{ticket.id}/resolve", headers=headers)

    assert client.post(f"/api/v1/tickets/{ticket.id}/reopen", headers=headers).status_code == 200
    assert feedback_rows(db) == []


def test_a_ticket_is_never_asked_twice(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-twice")
    ticket = ticket_on(db, conversation)
    resolved_long_ago(db, ticket, agent, settings)
    tickets.reopen(db=db, ticket=ticket, agent=agent)
    resolved_long_ago(db, ticket, agent, settings)

    assert len(feedback_rows(db)) == 1
    questions = [m for m in polled(web, "u-twice") if m["buttons"]]
    assert len(questions) == 1


def test_switched_off_nothing_is_asked(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-off")
    ticket = ticket_on(db, conversation)
    off = settings.model_copy(update={"feedback_enabled": False})
    resolved_long_ago(db, ticket, agent, off)

    assert feedback_rows(db) == []
    [notice] = polled(web, "u-off")
    assert notice["text"] == reply("ticket_resolved", "sv", ticket=ticket.id)


# ---- answers on the web chat --------------------------------------------------------


def test_a_web_answer_with_a_comment_is_recorded_masked_and_thanked(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-answer")
    resolved_long_ago(db, ticket_on(db, conversation), agent, settings)

    answer = web.send("u-answer", "4 snabbt och trevligt, ring mig på 070-123 45 67")
    assert answer.status_code == 200
    assert [m["text"] for m in answer.json()["messages"]] == [reply("feedback_thanks", "sv")]
    [row] = feedback_rows(db)
    assert row.score == 4 and row.kind == FeedbackKind.PERSON and row.queue == "driver"
    assert row.comment is not None and row.comment.startswith("snabbt och trevligt")
    assert "070" not in row.comment and "45 67" not in row.comment
    # Answered, the question offers no buttons any more (a reload shows it plain).
    assert all(m["buttons"] == [] for m in polled(web, "u-answer"))


def test_a_bare_score_then_a_comment_in_the_next_message(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-bare")
    resolved_long_ago(db, ticket_on(db, conversation), agent, settings)

    first = web.send("u-bare", "5")
    assert first.json()["messages"][0]["text"] == reply("feedback_thanks_ask_comment", "sv")
    then = web.send("u-bare", "Anna var väldigt hjälpsam och trevlig")
    assert then.json()["messages"][0]["text"] == reply("feedback_thanks_comment", "sv")
    [row] = feedback_rows(db)
    assert (row.score, row.comment) == (5, "Anna var väldigt hjälpsam och trevlig")
    # The comment was taken once: the next message is the assistant's again.
    assert web.send("u-bare", "hur loggar jag in").json()["messages"][0]["text"] == unavailable()


def test_a_question_after_a_bare_score_is_not_taken_as_its_comment(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-bare-q")
    resolved_long_ago(db, ticket_on(db, conversation), agent, settings)
    web.send("u-bare-q", "3")

    asked = web.send("u-bare-q", "hur byter jag lösenord?")
    assert asked.json()["messages"][0]["text"] == unavailable()
    assert feedback_rows(db)[0].comment is None


def test_a_reply_that_is_no_answer_goes_on_to_the_assistant_and_the_question_stays_open(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-other")
    resolved_long_ago(db, ticket_on(db, conversation), agent, settings)

    for text in ("mitt 2fa fungerar inte", "45 minuter väntade jag"):
        answered = web.send("u-other", text)
        assert answered.json()["messages"][0]["text"] == unavailable()
    assert feedback_rows(db)[0].score is None

    assert web.send("u-other", "2").json()["messages"][0]["text"] == reply(
        "feedback_thanks_ask_comment", "sv"
    )
    assert feedback_rows(db)[0].score == 2


def test_a_lapsed_question_is_not_answered(
    web: WebChat, db: Session, agent: Agent, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-lapsed")
    resolved_long_ago(db, ticket_on(db, conversation), agent, settings)
    [row] = feedback_rows(db)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()

    assert web.send("u-lapsed", "4").json()["messages"][0]["text"] == unavailable()
    assert feedback_rows(db)[0].score is None


# ---- SMS, and the phone's question by SMS --------------------------------------------


def test_an_sms_answer_is_recorded_and_thanked(
    client: TestClient, db: Session, agent: Agent, settings: Settings
) -> None:
    sms(client, MOBILE, "hej")  # the user's SMS conversation
    conversation = db.scalars(select(Conversation).where(Conversation.channel == "sms")).one()
    ticket = ticket_on(db, conversation)
    resolved_long_ago(db, ticket, agent, settings)
    told = db.scalars(
        select(OutboxMessage).where(OutboxMessage.text.contains(f"{ticket.id}"))
    ).all()
    assert [row.kind for row in told] == ["notice", "feedback"]

    assert sms(client, MOBILE, "2 det tog lång tid") == [reply("feedback_thanks", "sv")]
    [row] = feedback_rows(db)
    assert (row.score, row.comment, row.channel) == (2, "det tog lång tid", "sms")


def voice_ticket(db: Session, number: str) -> Ticket:
    """A ticket from a phone call, the caller's number in its contact field (as the
    call's hand-off puts it there)."""
    call = Conversation(channel="voice", sender=f"voice:caller/CA{next(_sids):032x}", language="sv")
    db.add(call)
    db.commit()
    ticket = ticket_on(db, call)
    tickets.set_contact(db=db, ticket_id=ticket.id, contact=number)
    return ticket


def test_after_a_call_the_question_goes_by_sms_to_a_mobile_number_and_its_answer_counts(
    client: TestClient, db: Session, agent: Agent, settings: Settings
) -> None:
    ticket = voice_ticket(db, MOBILE)
    resolved_long_ago(db, ticket, agent, settings)

    sender = pseudonym(address_secret(settings), "sms", MOBILE)
    texts = db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == sender)).all()
    assert [(r.channel, r.text, r.status) for r in texts] == [
        (
            "sms",
            reply("feedback_question_after_call", "sv", ticket=ticket.id),
            OutboxStatus.PENDING,
        )
    ]
    assert sms(client, MOBILE, "5 toppen") == [reply("feedback_thanks", "sv")]
    [row] = feedback_rows(db)
    assert (row.ticket_id, row.score, row.comment) == (ticket.id, 5, "toppen")


def test_after_a_call_from_a_landline_nothing_is_asked(
    db: Session, agent: Agent, settings: Settings
) -> None:
    ticket = voice_ticket(db, LANDLINE)
    resolved_long_ago(db, ticket, agent, settings)

    assert feedback_rows(db) == []
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all() == []


@pytest.mark.parametrize(
    ("contact", "mobile"),
    [
        ("+46701234567", "+46701234567"),
        ("070-123 45 67", "+46701234567"),
        ("+358401234567", "+358401234567"),
        ("+46812345678", None),
        ("08-123 456 78", None),
        ("anonymous", None),
        (None, None),
    ],
)
def test_only_a_mobile_number_gets_the_sms(contact: str | None, mobile: str | None) -> None:
    assert mobile_number(contact) == mobile


@pytest.mark.parametrize(
    ("text", "score", "comment"),
    [
        ("4", 4, None),
        ("4 quick and friendly", 4, "quick and friendly"),
        (" 5/5 - toppen! ", 5, "toppen!"),
        ("3.", 3, None),
        ("1, inte alls", 1, "inte alls"),
    ],
)
def test_what_reads_as_an_answer(text: str, score: int, comment: str | None) -> None:
    answer = parse_answer(text)
    assert answer is not None and (answer.score, answer.comment) == (score, comment)


@pytest.mark.parametrize("text", ["2fa funkar inte", "45 minuter", "6", "0", "hej", "10 st"])
def test_what_is_no_answer(text: str) -> None:
    assert parse_answer(text) is None


# ---- the assistant alone --------------------------------------------------------------


def _answered_conversation(db: Session, sender: str, channel: str = "web") -> Conversation:
    conversation = Conversation(channel=channel, sender=sender, language="sv")
    db.add(conversation)
    db.add(
        Message(
            conversation=conversation,
            author="user",
            text="hur loggar jag in i chaufförsklienten",
            language="sv",
            topic="driver_login",
            decision="answer",
            status=MessageStatus.ANSWERED,
        )
    )
    db.commit()
    return conversation


def _thanks(conversation: Conversation) -> ChatResponse:
    return ChatResponse.model_validate(
        {
            "sender": conversation.sender,
            "language": "sv",
            "messages": [{"text": "Varsågod!"}],
            "intent": "thanks",
            "decision": "small_talk",
        }
    )


def test_a_thanks_after_a_knowledge_answer_is_asked_once_a_day(
    db: Session, settings: Settings
) -> None:
    conversation = _answered_conversation(db, "u-alone")

    asked = ask_at_the_end(db, settings, conversation, _thanks(conversation))
    assert [m.text for m in asked.messages] == [
        "Varsågod!",
        reply("feedback_question_assistant", "sv"),
    ]
    assert [b.title for b in asked.messages[1].buttons] == ["1", "2", "3", "4", "5"]
    [row] = feedback_rows(db)
    assert (row.kind, row.queue, row.ticket_id) == (FeedbackKind.ASSISTANT, "driver", None)

    again = ask_at_the_end(db, settings, conversation, _thanks(conversation))
    assert [m.text for m in again.messages] == ["Varsågod!"]


def test_a_conversation_that_had_a_ticket_is_not_asked_at_its_end(
    db: Session, settings: Settings
) -> None:
    conversation = _answered_conversation(db, "u-had-ticket")
    ticket_on(db, conversation)

    said = ask_at_the_end(db, settings, conversation, _thanks(conversation))
    assert len(said.messages) == 1 and feedback_rows(db) == []


def test_the_assistant_alone_question_is_answered_like_the_other(
    web: WebChat, db: Session, settings: Settings
) -> None:
    conversation = web_user(web, db, "u-alone-web")
    db.add(
        Message(
            conversation=conversation,
            author="user",
            text="var hittar jag leveransavisering",
            language="sv",
            topic="driver_delivery_notice",
            decision="answer",
            status=MessageStatus.ANSWERED,
        )
    )
    db.commit()
    ask_at_the_end(db, settings, conversation, _thanks(conversation))

    assert web.send("u-alone-web", "4 bra svar").json()["messages"][0]["text"] == reply(
        "feedback_thanks", "sv"
    )
    [row] = feedback_rows(db)
    assert (row.kind, row.score, row.comment) == (FeedbackKind.ASSISTANT, 4, "bra svar")
