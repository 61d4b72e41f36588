"""Admins publish, update and resolve incidents; anyone reads the active ones,
without the internal note; agents read everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.config import Settings
from api.main import create_app
from tests.api.desk import logged_in
from tests.api.incidents.helpers import LOGIN_TROUBLE, admin_login, publish

RESOLUTION = {"resolution": {"sv": "Inloggningen fungerar igen.", "en": "Logging in works again."}}


def test_only_admins_publish_update_and_resolve(client: TestClient, db: Session) -> None:
    admin = admin_login(client, db)
    agent = logged_in(client, db, "agent-a")
    body = {"texts": LOGIN_TROUBLE, "areas": ["driver"]}
    assert client.post("/api/v1/incidents", json=body).status_code == 401
    refused = client.post("/api/v1/incidents", json=body, headers=agent)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"
    incident = publish(client, admin)
    for path, payload in (("updates", {"texts": LOGIN_TROUBLE}), ("resolve", RESOLUTION)):
        url = f"/api/v1/incidents/{incident['id']}/{path}"
        assert client.post(url, json=payload).status_code == 401
        assert client.post(url, json=payload, headers=agent).status_code == 403
    listed = client.get("/api/v1/incidents").json()["incidents"]
    assert [i["version"] for i in listed] == [1]  # nothing the agent tried took effect


def test_missing_languages_are_reported_and_told_from_another(
    client: TestClient, db: Session
) -> None:
    admin = admin_login(client, db)
    incident = publish(client, admin, texts={"sv": LOGIN_TROUBLE["sv"]})
    assert incident["missing_languages"] == ["en", "fi"]
    finnish = client.get("/api/v1/incidents", params={"lang": "fi"}).json()["incidents"][0]
    assert finnish["language"] == "sv"  # said, so nobody takes it for Finnish
    assert finnish["title"] == LOGIN_TROUBLE["sv"]["title"]
    two = publish(client, admin, texts={"sv": LOGIN_TROUBLE["sv"], "en": LOGIN_TROUBLE["en"]})
    assert two["missing_languages"] == ["fi"]
    listed = client.get("/api/v1/incidents", params={"lang": "fi"}).json()["incidents"]
    assert listed[0]["language"] == "en"  # a Finnish reader gets English before Swedish


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"texts": {}, "areas": ["driver"]}, "at least one"),
        ({"texts": {"sv": {"title": "Fel"}}, "areas": ["driver"]}, "text"),
        ({"texts": LOGIN_TROUBLE, "areas": []}, "areas"),
        ({"texts": LOGIN_TROUBLE, "areas": ["printing"]}, "printing"),
        ({"texts": LOGIN_TROUBLE, "areas": ["driver"], "starts_at": "2026-12-01T10:00"}, "zone"),
        ({"texts": LOGIN_TROUBLE, "areas": ["driver"], "starts_at": "1999-12-31T10:00Z"}, "2000"),
    ],
)
def test_an_incident_that_cannot_be_told_is_refused(
    client: TestClient, db: Session, body: dict[str, object], why: str
) -> None:
    admin = admin_login(client, db)
    refused = client.post("/api/v1/incidents", json=body, headers=admin)
    assert refused.status_code == 422
    assert why in refused.text
    assert client.get("/api/v1/incidents").json()["incidents"] == []


def test_the_expected_end_comes_after_the_start(client: TestClient, db: Session) -> None:
    admin = admin_login(client, db)
    start = datetime.now(UTC)
    body = {
        "texts": LOGIN_TROUBLE,
        "areas": ["driver"],
        "starts_at": start.isoformat(),
        "expected_end": (start - timedelta(hours=1)).isoformat(),
    }
    refused = client.post("/api/v1/incidents", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_incident_times"


def test_the_public_list_has_active_incidents_without_internal_notes(
    client: TestClient, db: Session
) -> None:
    admin = admin_login(client, db)
    note = "Leverantören felsöker, ring Kalle på 070-123 45 67"
    active = publish(client, admin, internal_note=note, areas=("driver", "driver_2fa"))
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    publish(client, admin, starts_at=later)  # planned: not active yet
    gone = publish(client, admin)
    url = f"/api/v1/incidents/{gone['id']}/resolve"
    assert client.post(url, json=RESOLUTION, headers=admin).status_code == 200

    response = client.get("/api/v1/incidents", params={"lang": "en"})
    assert response.status_code == 200
    assert "Kalle" not in response.text and "internal_note" not in response.text
    (shown,) = response.json()["incidents"]
    assert shown["id"] == active["id"]
    assert shown["title"] == LOGIN_TROUBLE["en"]["title"]
    assert shown["areas"] == ["driver", "driver_2fa"]
    assert set(shown["texts"]) == {"sv", "en", "fi"}


def test_agents_see_every_incident_with_its_note_and_history(
    client: TestClient, db: Session
) -> None:
    admin = admin_login(client, db)
    agent = logged_in(client, db, "agent-b")
    incident = publish(client, admin, internal_note="Leverantören felsöker")
    changed = {
        "texts": {"sv": {"title": "Inloggningen krånglar", "text": "Felet är hittat."}},
        "expected_end": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
    }
    url = f"/api/v1/incidents/{incident['id']}"
    assert client.post(f"{url}/updates", json=changed, headers=admin).status_code == 200
    assert client.post(f"{url}/resolve", json=RESOLUTION, headers=admin).status_code == 200
    assert client.get("/api/v1/incidents", params={"all": "true"}).status_code == 401

    (seen,) = client.get("/api/v1/incidents?all=true", headers=agent).json()["incidents"]
    assert seen["status"] == "resolved"
    assert seen["internal_note"] == "Leverantören felsöker"
    assert [h["kind"] for h in seen["history"]] == ["published", "updated", "resolved"]
    assert seen["history"][1]["text"] == {"sv": "Felet är hittat."}
    assert seen["resolution"] == RESOLUTION["resolution"]
    assert seen["tickets"] == {"linked": 0, "open": 0, "resolved": 0}
    again = client.post(f"{url}/updates", json=changed, headers=admin)
    assert again.status_code == 409
    assert again.json()["code"] == "incident_resolved"


def test_the_public_list_is_rate_limited(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_incidents_per_client": "3/minute"})
    with TestClient(create_app(limited)) as client:
        for _ in range(3):
            assert client.get("/api/v1/incidents").status_code == 200
        refused = client.get("/api/v1/incidents")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
