"""Ticket transitions on a real database, with the audit log they leave."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.agents.models import AgentRole
from api.agents.service import create_agent, hash_password, password_matches
from api.conversations.models import Conversation, ConversationState
from api.tickets import service
from api.tickets.models import TicketStatus
from bot.triage import Triage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUNDAY_NIGHT = datetime(2026, 11, 22, 2, 30, tzinfo=STOCKHOLM)
KEY = b"ticket-test-key"


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


def _ticket(db: Session, key: str = "conv-1-handoff-1", priority: int = 3):  # type: ignore[no-untyped-def]
    conversation = db.query(Conversation).first() or Conversation(
        channel="web", sender="u1", language="sv"
    )
    db.add(conversation)
    db.commit()
    triage = Triage("sv", "accounting", priority, True, ["reason"])
    return service.open_ticket(
        db=db,
        conversation=conversation,
        triage=triage,
        description="Mätbeskeden har inte kommit, ring 070-123 45 67",
        contact="070-123 45 67",
        idempotency_key=key,
        now=SUNDAY_NIGHT,
    )


def test_a_hand_off_opens_a_ticket_due_by_the_sla_and_hands_the_chat_to_a_person(
    db: Session,
) -> None:
    ticket = _ticket(db)
    assert ticket.status == TicketStatus.OPEN and ticket.queue == "accounting"
    assert ticket.due_at == datetime(2026, 11, 23, 16, 30, tzinfo=STOCKHOLM)
    assert "070" not in ticket.description and ticket.contact == "070-123 45 67"
    assert ticket.conversation.state == ConversationState.HUMAN
    assert [e.action for e in ticket.events] == ["opened"]


def test_the_same_hand_off_twice_gives_one_ticket(db: Session) -> None:
    assert _ticket(db).id == _ticket(db).id


def test_two_agents_claiming_at_once_exactly_one_wins(
    db: Session, factory: sessionmaker[Session]
) -> None:
    ticket = _ticket(db)
    agents = [
        create_agent(
            db=db, username=f"a{i}", display_name=f"A{i}", password="pw", role=AgentRole.AGENT
        )
        for i in range(2)
    ]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def claim(agent_id: int) -> None:
        with factory() as session:
            agent = session.get(type(agents[0]), agent_id)
            mine = service.get_ticket(db=session, ticket_id=ticket.id)
            start.wait()
            try:
                service.claim(db=session, ticket=mine, agent=agent)  # type: ignore[arg-type]
                outcomes.append("won")
            except service.AlreadyClaimed:
                outcomes.append("lost")

    threads = [threading.Thread(target=claim, args=(a.id,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]


def test_resolve_gives_the_chat_back_to_the_bot_and_a_new_message_reopens(db: Session) -> None:
    ticket = _ticket(db)
    agent = create_agent(
        db=db, username="anna", display_name="Anna", password="pw", role=AgentRole.AGENT
    )
    service.claim(db=db, ticket=ticket, agent=agent)
    service.resolve(db=db, ticket=ticket, agent=agent)
    assert ticket.conversation.state == ConversationState.BOT
    service.reopen(db=db, ticket=ticket)
    assert (
        ticket.status == TicketStatus.OPEN and ticket.conversation.state == ConversationState.HUMAN
    )
    assert [e.action for e in ticket.events] == ["opened", "claimed", "resolved", "reopened"]


def test_a_reopened_ticket_gets_a_fresh_sla_clock_and_can_escalate_again(db: Session) -> None:
    ticket = _ticket(db, priority=1)
    agent = create_agent(
        db=db, username="anna", display_name="Anna", password="pw", role=AgentRole.AGENT
    )
    late = datetime(2026, 11, 22, 3, 0, tzinfo=STOCKHOLM)
    assert service.escalate_breached(db=db, now=late) == [ticket]
    service.resolve(db=db, ticket=ticket, agent=agent, now=late)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    service.reopen(db=db, ticket=ticket, now=monday)
    assert ticket.due_at == datetime(2026, 11, 23, 9, 15, tzinfo=STOCKHOLM)  # P1: 15 minutes
    assert ticket.escalated_at is None
    service.change_priority(db=db, ticket=ticket, agent=agent, priority=2, reason="Inte akut")
    assert ticket.due_at == datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)  # from the reopening
    assert service.escalate_breached(db=db, now=monday.replace(hour=11)) == [ticket]


def test_a_claimed_ticket_is_worked_by_its_agent_or_an_admin(db: Session) -> None:
    ticket = _ticket(db)
    anna, bo, boss = (
        create_agent(db=db, username=u, display_name=u, password="pw", role=role)
        for u, role in (
            ("anna", AgentRole.AGENT),
            ("bo", AgentRole.AGENT),
            ("boss", AgentRole.ADMIN),
        )
    )
    service.claim(db=db, ticket=ticket, agent=anna)
    with pytest.raises(service.NotYourTicket):
        service.reply(db=db, ticket=ticket, agent=bo, text="Jag tar den", seal_key=KEY)
    with pytest.raises(service.NotYourTicket):
        service.resolve(db=db, ticket=ticket, agent=bo)
    with pytest.raises(service.NotYourTicket):
        service.release(db=db, ticket=ticket, agent=bo)
    service.release(db=db, ticket=ticket, agent=boss)  # Anna is off sick
    assert ticket.status == TicketStatus.OPEN and ticket.assigned_agent_id is None
    service.claim(db=db, ticket=ticket, agent=bo)
    service.reply(db=db, ticket=ticket, agent=bo, text="Hej, jag tar över ärendet.", seal_key=KEY)
    assert [e.action for e in ticket.events][-3:] == ["released", "claimed", "replied"]
    assert ticket.events[-3].detail == {"previous": "anna"}


def test_a_higher_priority_moves_the_due_time_and_the_listing(db: Session) -> None:
    low = _ticket(db, "k1", priority=4)
    high = _ticket(db, "k2", priority=3)
    agent = create_agent(
        db=db, username="bo", display_name="Bo", password="pw", role=AgentRole.ADMIN
    )
    assert [t.id for t in service.queue_listing(db=db, queue="accounting", agent=agent)] == [
        high.id,
        low.id,
    ]
    service.change_priority(db=db, ticket=low, agent=agent, priority=1, reason="Flödet står")
    assert low.due_at == datetime(2026, 11, 22, 2, 45, tzinfo=STOCKHOLM)
    assert [t.id for t in service.queue_listing(db=db, queue="accounting", agent=agent)] == [
        low.id,
        high.id,
    ]
    with pytest.raises(service.InvalidTransition):
        service.change_priority(db=db, ticket=low, agent=agent, priority=2, reason=" ")


def test_breaches_are_escalated_once_from_stored_times(db: Session) -> None:
    ticket = _ticket(db, priority=1)
    assert (
        service.escalate_breached(db=db, now=datetime(2026, 11, 22, 2, 40, tzinfo=STOCKHOLM)) == []
    )
    later = datetime(2026, 11, 22, 3, 0, tzinfo=STOCKHOLM)
    assert [t.id for t in service.escalate_breached(db=db, now=later)] == [ticket.id]
    assert service.escalate_breached(db=db, now=later) == []  # not twice
    assert ticket.events[-1].action == "escalated"


def test_passwords_are_stored_hashed() -> None:
    stored = hash_password("hemligt")
    assert "hemligt" not in stored
    assert password_matches("hemligt", stored)
    assert not password_matches("fel", stored)


def test_the_watcher_escalates_overdue_tickets_from_the_database(
    db: Session, factory: sessionmaker[Session]
) -> None:
    from api.tickets.watch import check_once

    _ticket(db, priority=1)  # due 15 minutes after a Sunday night in 2026: long past
    assert check_once(factory) == 1
    assert check_once(factory) == 0


def _agent(db: Session, name: str = "anna", role: AgentRole = AgentRole.AGENT):  # type: ignore[no-untyped-def]
    return create_agent(
        db=db, username=name, display_name=name, password="pw", role=role, queues=["accounting"]
    )


def test_release_gives_the_ticket_back_without_its_claim(db: Session) -> None:
    ticket, agent = _ticket(db), _agent(db)
    service.claim(db=db, ticket=ticket, agent=agent, now=SUNDAY_NIGHT)
    assert ticket.claimed_at == SUNDAY_NIGHT and ticket.assigned_agent_id == agent.id
    service.release(db=db, ticket=ticket, agent=agent)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.claimed_at is None and ticket.assigned_agent_id is None
    assert ticket.conversation.state == ConversationState.HUMAN  # still for a person


def test_a_resolved_ticket_is_not_transferred_and_nothing_changes(db: Session) -> None:
    ticket, agent = _ticket(db), _agent(db)
    service.claim(db=db, ticket=ticket, agent=agent)
    service.resolve(db=db, ticket=ticket, agent=agent, now=SUNDAY_NIGHT)
    with pytest.raises(service.InvalidTransition, match="reopen it first"):
        service.transfer(db=db, ticket=ticket, agent=agent, queue="general", reason="fel kö")
    db.expire_all()
    assert (ticket.status, ticket.queue, ticket.resolved_at) == (
        TicketStatus.RESOLVED,
        "accounting",
        SUNDAY_NIGHT,
    )
    assert ticket.conversation.state == ConversationState.BOT
    assert [e.action for e in ticket.events][-1] == "resolved"


def test_reopening_clears_the_claim_and_resolve_times_and_gives_the_chat_to_people(
    db: Session,
) -> None:
    ticket, agent = _ticket(db), _agent(db)
    service.claim(db=db, ticket=ticket, agent=agent)
    service.resolve(db=db, ticket=ticket, agent=agent)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    service.reopen(db=db, ticket=ticket, agent=agent, now=monday)
    assert (ticket.claimed_at, ticket.resolved_at, ticket.reopened_at) == (None, None, monday)
    assert ticket.assigned_agent_id is None
    assert ticket.conversation.state == ConversationState.HUMAN
    assert (ticket.events[-1].action, ticket.events[-1].actor) == ("reopened", "anna")
    # open again: it may be transferred
    service.transfer(db=db, ticket=ticket, agent=agent, queue="general", reason="fel kö")
    assert (ticket.queue, ticket.status) == ("general", TicketStatus.OPEN)
    assert ticket.events[-1].detail == {
        "old": "accounting",
        "new": "general",
        "reason": "fel kö",
        "released": False,
    }


def _in_status(db: Session, status: TicketStatus):  # type: ignore[no-untyped-def]
    ticket, agent = _ticket(db), _agent(db, role=AgentRole.ADMIN)
    if status != TicketStatus.OPEN:
        service.claim(db=db, ticket=ticket, agent=agent)
    if status == TicketStatus.RESOLVED:
        service.resolve(db=db, ticket=ticket, agent=agent, undo_window=UNDO)
    return ticket, agent


UNDO = timedelta(minutes=5)


def _do(db: Session, ticket, agent, action: service.TicketAction) -> None:  # type: ignore[no-untyped-def]
    act = service.TicketAction
    work = {
        act.CLAIM: lambda: service.claim(db=db, ticket=ticket, agent=agent),
        act.RELEASE: lambda: service.release(db=db, ticket=ticket, agent=agent),
        act.REPLY: lambda: service.reply(
            db=db, ticket=ticket, agent=agent, text="Hej", seal_key=KEY
        ),
        act.NOTE: lambda: service.add_note(db=db, ticket=ticket, agent=agent, text="obs"),
        act.TRANSFER: lambda: service.transfer(
            db=db, ticket=ticket, agent=agent, queue="general", reason="fel kö"
        ),
        act.PRIORITY: lambda: service.change_priority(
            db=db, ticket=ticket, agent=agent, priority=1, reason="brådskar"
        ),
        act.RESOLVE: lambda: service.resolve(db=db, ticket=ticket, agent=agent),
        act.UNDO_RESOLVE: lambda: service.undo_resolve(
            db=db, ticket=ticket, agent=agent, undo_window=UNDO
        ),
        act.REOPEN: lambda: service.reopen(db=db, ticket=ticket, agent=agent),
    }
    work[action]()


@pytest.mark.parametrize("status", list(TicketStatus))
@pytest.mark.parametrize("action", list(service.TicketAction))
def test_every_move_follows_the_table_and_a_refused_one_changes_nothing(
    db: Session, status: TicketStatus, action: service.TicketAction
) -> None:
    ticket, agent = _in_status(db, status)
    events = len(ticket.events)
    allowed = service.TRANSITIONS.get((status, action))
    if allowed is None:
        with pytest.raises((service.InvalidTransition, service.AlreadyClaimed)):
            _do(db, ticket, agent, action)
        db.expire_all()
        assert ticket.status == status and len(ticket.events) == events
        return
    _do(db, ticket, agent, action)
    db.expire_all()
    assert ticket.status == allowed
    assert ticket.events[-1].action == action.value
    # the status's own timestamps, and none of a status it is no longer in
    assert (ticket.claimed_at is not None) == (
        allowed == TicketStatus.CLAIMED
        or (allowed == TicketStatus.RESOLVED and status != TicketStatus.OPEN)
    )
    assert (ticket.resolved_at is not None) == (allowed == TicketStatus.RESOLVED)
    assert (ticket.assigned_agent_id is not None) == (
        allowed == TicketStatus.CLAIMED or ticket.claimed_at is not None
    )
    expected_chat = (
        ConversationState.BOT if allowed == TicketStatus.RESOLVED else ConversationState.HUMAN
    )
    assert ticket.conversation.state == expected_chat


def test_two_moves_at_once_the_second_is_refused(
    db: Session, factory: sessionmaker[Session]
) -> None:
    ticket, agent = _ticket(db), _agent(db)
    service.claim(db=db, ticket=ticket, agent=agent)
    with factory() as other:
        stale = service.get_ticket(db=other, ticket_id=ticket.id)  # read while claimed
        service.release(db=db, ticket=ticket, agent=agent)
        again = other.get(type(agent), agent.id)
        with pytest.raises(service.InvalidTransition, match="Only a claimed ticket"):
            service.release(db=other, ticket=stale, agent=again)  # type: ignore[arg-type]
    db.expire_all()
    assert [e.action for e in ticket.events].count("released") == 1
