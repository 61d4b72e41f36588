"""POST /api/v1/triage as the spec describes it."""

from __future__ import annotations

from fastapi.testclient import TestClient

TRIAGE = "/api/v1/triage"


def test_a_driver_stuck_at_a_site_is_priority_one_for_driver_support(client: TestClient) -> None:
    body = client.post(
        TRIAGE,
        json={"text": "kuljettaja on mittauspaikalla eikä pääse kirjautumaan, ei voi purkaa"},
    ).json()
    assert set(body) >= {"language", "queue", "priority", "billable", "reasons"}
    assert (body["language"], body["queue"], body["priority"]) == ("fi", "driver", 1)
    assert body["billable"] is False
    assert all(isinstance(r, str) and r for r in body["reasons"])


def test_the_language_hint_sets_the_language_of_the_reasons(client: TestClient) -> None:
    body = client.post(
        TRIAGE, json={"text": "Prisräkningen står still sedan i morse", "language": "en"}
    ).json()
    assert (body["language"], body["queue"], body["priority"]) == ("en", "accounting", 2)
    assert "priority 2" in body["reasons"][0]


def test_personal_data_in_the_text_does_not_reach_the_reasons(client: TestClient) -> None:
    body = client.post(
        TRIAGE, json={"text": "ring mig på 070-123 45 67, jag vill beställa en ny användare"}
    ).json()
    assert body["priority"] == 4
    assert not any("070" in r for r in body["reasons"])


def test_bad_input_is_a_clear_422(client: TestClient) -> None:
    assert client.post(TRIAGE, json={"text": ""}).status_code == 422
    assert client.post(TRIAGE, json={"text": "x" * 2001}).status_code == 422
    assert client.post(TRIAGE, json={"text": "hej", "language": "de"}).status_code == 422
    assert client.post(TRIAGE, json={"text": "hej", "channel": "fax"}).status_code == 422
    assert client.post(TRIAGE, json={"txt": "hej"}).status_code == 422
