"""Knowledge that grows: an agent proposes an article from a resolved ticket, an admin
approves it, and it is written (to a copy of knowledge/) as a normal article file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.config import Settings
from api.conversations.models import Conversation
from api.knowledge.service import knowledge_index
from bot.knowledge.articles import KNOWLEDGE, parse, topic_ids
from tests.api.desk import logged_in, ticket_on

DRAFT = {
    "language": "sv",
    "title": "Kvitto på lossad leverans",
    "question": "Var hittar jag kvittot när lasset är lossat? Maila mig på bo@example.se",
    "answer": "Kvittot för en lossad leverans visas i Chaufförsklienten under Leveranser, "
    "direkt när mottagningen har registrerat lossningen.",
}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    return settings.model_copy(update={"knowledge_dir": knowledge})


@pytest.fixture
def agent(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "anna")


@pytest.fixture
def admin(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "root", role=AgentRole.ADMIN)


@pytest.fixture
def ticket_id(db: Session) -> int:
    conversation = Conversation(channel="web", sender="driver-1", language="sv")
    db.add(conversation)
    db.commit()
    return ticket_on(db, conversation, description="var är kvittot").id


def _resolve(client: TestClient, ticket_id: int, headers: dict[str, str]) -> None:
    assert client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=headers).status_code == 200


def test_a_draft_needs_a_resolved_ticket(
    client: TestClient, ticket_id: int, agent: dict[str, str]
) -> None:
    early = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": ticket_id}, headers=agent
    )
    assert early.status_code == 409 and early.json()["code"] == "ticket_not_resolved"
    missing = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": 999}, headers=agent
    )
    assert missing.status_code == 404
    empty = client.post(
        "/api/v1/knowledge/drafts",
        json={**DRAFT, "ticket_id": ticket_id, "answer": " "},
        headers=agent,
    )
    assert empty.status_code == 422
    other = client.post(
        "/api/v1/knowledge/drafts",
        json={**DRAFT, "ticket_id": ticket_id, "language": "de"},
        headers=agent,
    )
    assert other.status_code == 422


def test_an_admin_approves_a_draft_into_a_searchable_article(
    client: TestClient,
    ticket_id: int,
    agent: dict[str, str],
    admin: dict[str, str],
    settings: Settings,
) -> None:
    _resolve(client, ticket_id, agent)
    created = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": ticket_id}, headers=agent
    )
    assert created.status_code == 201
    draft = created.json()
    assert draft["status"] == "proposed" and draft["proposed_by"] == "anna"
    assert "bo@example.se" not in draft["question"]  # masked like every stored text
    listed = client.get("/api/v1/knowledge/drafts", params={"status": "proposed"}, headers=agent)
    assert [d["id"] for d in listed.json()["drafts"]] == [draft["id"]]

    refused = client.post(f"/api/v1/knowledge/drafts/{draft['id']}/approve", headers=agent)
    assert refused.status_code == 403

    approved = client.post(f"/api/v1/knowledge/drafts/{draft['id']}/approve", headers=admin)
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and body["approved_by"] == "root"
    assert body["topic"] == "faq_kvitto_pa_lossad_leverans"
    assert body["path"] == "articles/sv/faq_kvitto_pa_lossad_leverans.md"

    path = settings.knowledge_dir / body["path"]
    article = parse(path, topic_ids(settings.knowledge_dir))
    assert article.title == DRAFT["title"] and article.summary == DRAFT["answer"]
    hits = knowledge_index(settings.knowledge_dir).search("kvitto lossad leverans", "sv", 3)
    assert hits[0].topic == body["topic"]
    assert not (KNOWLEDGE / body["path"]).exists()  # the repository's knowledge/ is untouched

    again = client.post(f"/api/v1/knowledge/drafts/{draft['id']}/reject", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "draft_decided"


def test_the_same_title_gets_a_new_topic_id_and_rejected_drafts_write_nothing(
    client: TestClient,
    ticket_id: int,
    agent: dict[str, str],
    admin: dict[str, str],
    settings: Settings,
) -> None:
    _resolve(client, ticket_id, agent)
    ids = [
        client.post(
            "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": ticket_id}, headers=agent
        ).json()["id"]
        for _ in range(3)
    ]
    first = client.post(f"/api/v1/knowledge/drafts/{ids[0]}/approve", headers=admin).json()
    second = client.post(f"/api/v1/knowledge/drafts/{ids[1]}/approve", headers=admin).json()
    assert second["topic"] == first["topic"] + "_2"
    rejected = client.post(f"/api/v1/knowledge/drafts/{ids[2]}/reject", headers=admin).json()
    assert rejected["status"] == "rejected" and rejected["path"] is None
    assert client.post("/api/v1/knowledge/drafts/999/approve", headers=admin).status_code == 404
    left = client.get("/api/v1/knowledge/drafts", headers=agent).json()["drafts"]
    assert left == []
    written = sorted(p.name for p in (settings.knowledge_dir / "articles" / "sv").glob("faq_*"))
    assert written == [f"{first['topic']}.md", f"{second['topic']}.md"]


def test_a_ticket_outside_the_agents_queues_is_not_told_to_exist(
    client: TestClient, db: Session, ticket_id: int
) -> None:
    headers = logged_in(client, db, "bo", queues=["accounting"])
    outside = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": ticket_id}, headers=headers
    )
    missing = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": 999}, headers=headers
    )
    assert outside.status_code == missing.status_code == 404  # the same as no ticket at all


@pytest.mark.parametrize("ticket_id", [0, -3053170598643044450304, 2**63])
def test_a_ticket_id_no_row_can_have_is_refused_not_a_server_error(
    client: TestClient, agent: dict[str, str], ticket_id: int
) -> None:
    # Found by the Schemathesis run (tests/e2e/test_openapi_contract.py).
    refused = client.post(
        "/api/v1/knowledge/drafts", json={**DRAFT, "ticket_id": ticket_id}, headers=agent
    )
    assert refused.status_code == 422
