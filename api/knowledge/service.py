"""Suggested answers for tickets, and the drafts that grow the knowledge base.

An agent proposes a question and its answer from a resolved ticket (or an admin
answers a question the assistant could not, api/insights); an admin approves it
and it becomes a normal article file,
`<knowledge_dir>/articles/<lang>/faq_<slug>.md` (knowledge/FORMAT.md), with a
learned topic id (bot/knowledge/articles.py, LEARNED_PREFIX). This process's
search index is rebuilt on its next use; the action server, which answers the
chat, picks the article up when it is restarted.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.database import utcnow
from api.errors import DomainError
from api.knowledge.models import DraftStatus, KnowledgeDraft
from api.tickets.models import Ticket, TicketStatus
from api.tickets.service import get_ticket
from bot.knowledge.articles import (
    KNOWLEDGE,
    LEARNED_PREFIX,
    MAX_SUMMARY_CHARS,
    InvalidArticle,
    load_articles,
    parse,
    topic_ids,
)
from bot.knowledge.search import Hit, KnowledgeIndex, default_index
from bot.knowledge.text import folded
from bot.redaction import redact

RECENT_USER_MESSAGES = 3
SLUG_CHARS = 40
MAX_ALIAS_CHARS = 200


class DraftError(DomainError):
    """A draft operation that cannot be done."""

    code = "draft_error"
    message = "That cannot be done."


class DraftNotFound(DraftError):
    status_code = 404
    code = "draft_not_found"
    message = "No such draft."


class DraftAlreadyDecided(DraftError):
    """The draft was approved or rejected already."""

    status_code = 409
    code = "draft_decided"
    message = "This draft was approved or rejected already."


class TicketNotResolved(DraftError):
    """Drafts come from resolved tickets only: the answer is known to have worked."""

    status_code = 409
    code = "ticket_not_resolved"
    message = "Drafts come from resolved tickets only."


def knowledge_index(root: Path) -> KnowledgeIndex:
    """The search index over the knowledge base at `root` (the shared one for knowledge/)."""
    if root.resolve() == KNOWLEDGE:
        return default_index()
    return _index_at(root.resolve())


@cache
def _index_at(root: Path) -> KnowledgeIndex:
    # Another knowledge base (tests): BM25 only, the classifiers learn from knowledge/.
    return KnowledgeIndex(load_articles(root))


def refresh_index(root: Path) -> None:
    """Forget the loaded articles and indexes, so the next search reads `root` again."""
    load_articles.cache_clear()
    _index_at.cache_clear()
    if root.resolve() == KNOWLEDGE:
        default_index.cache_clear()


def suggestions(*, ticket: Ticket, index: KnowledgeIndex, k: int) -> list[Hit]:
    """Articles in the ticket's language for its description and the user's last words."""
    said = [m.text for m in ticket.conversation.messages if m.author == "user"]
    query = " ".join([ticket.description, *said[-RECENT_USER_MESSAGES:]])
    return index.search(query, ticket.language, k)


def propose(
    *,
    db: Session,
    ticket_id: int,
    agent: Agent,
    language: str,
    title: str,
    question: str,
    answer: str,
) -> KnowledgeDraft:
    """A question and answer from a resolved ticket, masked, waiting for an admin."""
    ticket = get_ticket(db=db, ticket_id=ticket_id, agent=agent)  # not outside their queues
    if ticket.status != TicketStatus.RESOLVED:
        raise TicketNotResolved
    draft = new_draft(
        db=db,
        agent=agent,
        language=language,
        title=title,
        question=question,
        answer=answer,
        ticket_id=ticket.id,
    )
    db.commit()
    return draft


def new_draft(
    *,
    db: Session,
    agent: Agent,
    language: str,
    title: str,
    question: str,
    answer: str,
    ticket_id: int | None = None,
) -> KnowledgeDraft:
    """A proposed draft, masked: from a ticket, or (`ticket_id` None) from a question
    the assistant could not answer (api/insights). The caller commits."""
    draft = KnowledgeDraft(
        ticket_id=ticket_id,
        language=language,
        title=redact(title),
        question=redact(question),
        answer=redact(answer),
        status=DraftStatus.PROPOSED,
        proposed_by=agent.username,
    )
    db.add(draft)
    db.flush()
    return draft


def list_drafts(*, db: Session, status: DraftStatus | None) -> list[KnowledgeDraft]:
    """Drafts with `status` (all without one), newest first."""
    query = select(KnowledgeDraft).order_by(KnowledgeDraft.id.desc())
    if status is not None:
        query = query.where(KnowledgeDraft.status == status)
    return list(db.scalars(query))


def get_draft(*, db: Session, draft_id: int) -> KnowledgeDraft:
    draft = db.get(KnowledgeDraft, draft_id)
    if draft is None:
        raise DraftNotFound
    return draft


def approve(
    *, db: Session, draft_id: int, admin: Agent, root: Path, now: datetime | None = None
) -> KnowledgeDraft:
    """Write the draft as a new article under `root` and mark it approved."""
    draft = _undecided(db, draft_id)
    topic, path = write_article(root=root, draft=draft)
    draft.status = DraftStatus.APPROVED
    draft.topic = topic
    draft.path = path.relative_to(root).as_posix()
    _decided(draft, admin, now)
    db.commit()
    refresh_index(root)
    return draft


def reject(
    *, db: Session, draft_id: int, admin: Agent, now: datetime | None = None
) -> KnowledgeDraft:
    """Turn the draft down; nothing is written."""
    draft = _undecided(db, draft_id)
    draft.status = DraftStatus.REJECTED
    _decided(draft, admin, now)
    db.commit()
    return draft


def _undecided(db: Session, draft_id: int) -> KnowledgeDraft:
    draft = get_draft(db=db, draft_id=draft_id)
    if draft.status != DraftStatus.PROPOSED:
        raise DraftAlreadyDecided
    return draft


def _decided(draft: KnowledgeDraft, admin: Agent, now: datetime | None) -> None:
    draft.decided_by = admin.username
    draft.decided_at = now or utcnow()


def slug(title: str) -> str:
    """A topic id for `title`: "Kvitto på leverans?" -> "faq_kvitto_pa_leverans"."""
    words = re.sub(r"[^a-z0-9]+", "_", folded(title)).strip("_")
    return LEARNED_PREFIX + (words[:SLUG_CHARS].rstrip("_") or "article")


def write_article(*, root: Path, draft: KnowledgeDraft) -> tuple[str, Path]:
    """The draft as a new article file (never overwriting one), checked like every article."""
    folder = root / "articles" / draft.language
    folder.mkdir(parents=True, exist_ok=True)
    base = slug(draft.title)
    for number in range(1, 1000):
        topic = base if number == 1 else f"{base}_{number}"
        if topic in topic_ids(root) or _exists_in_any_language(root, topic):
            continue
        path = folder / f"{topic}.md"
        try:
            with path.open("x", encoding="utf-8") as out:
                out.write(article_text(draft, topic))
        except FileExistsError:  # written at the same moment by another approval
            continue
        _check(path, root)
        return topic, path
    raise RuntimeError(f"no free topic id for {base!r}")


def _exists_in_any_language(root: Path, topic: str) -> bool:
    return any((root / "articles").glob(f"*/{topic}.md"))


def _check(path: Path, root: Path) -> None:
    try:
        parse(path, topic_ids(root))
    except InvalidArticle:
        path.unlink()
        raise


def article_text(draft: KnowledgeDraft, topic: str) -> str:
    """The article file: front matter as knowledge/FORMAT.md describes, then the body."""
    answer = " ".join(draft.answer.split())
    question = " ".join(draft.question.split())
    meta = {
        "topic": topic,
        "language": draft.language,
        "title": " ".join(draft.title.split()),
        "aliases": [question] if len(question) <= MAX_ALIAS_CHARS else [],
        "summary": _shortened(answer, MAX_SUMMARY_CHARS),
    }
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=88)
    return f"---\n{head}---\n{draft.question.strip()}\n\n{draft.answer.strip()}\n"


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 2].rsplit(" ", 1)[0] + " …"
