"""Registering endpoints: admins only, secrets shown once, no private targets (SSRF)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.webhooks.models import WebhookEndpoint
from tests.api.webhooks.conftest import ENDPOINTS

PUBLIC = "https://93.184.216.34/register/viol3?token=abc123"  # an IP literal: no DNS needed


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(
    client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    created = client.post(
        ENDPOINTS,
        json={
            "url": PUBLIC,
            "events": ["ticket.created", "ticket.resolved"],
            "description": "Platina",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["url"] == "https://93.184.216.34/register/viol3"  # no token shown
    assert (endpoint["events"], endpoint["status"]) == (
        ["ticket.created", "ticket.resolved"],
        "active",
    )
    assert endpoint["created_by"] == "ada"

    listed = client.get(ENDPOINTS, headers=admin).json()
    assert "ticket.sla_breached" in listed["event_types"]
    shown = client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=admin)
    for answer in (listed, shown.json()):
        assert endpoint["secret"] not in str(answer) and "abc123" not in str(answer)
    stored = db.get(WebhookEndpoint, endpoint["id"])
    assert stored is not None
    assert endpoint["secret"] not in stored.sealed_secret  # sealed, not in clear
    assert "abc123" not in stored.sealed_url + stored.display_url


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.20.30.40/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://localhost:8443/hook",  # a name that resolves to loopback
    ],
)
def test_private_and_loopback_targets_are_refused_without_the_flag(
    client: TestClient, admin: dict[str, str], url: str
) -> None:
    refused = client.post(ENDPOINTS, json={"url": url}, headers=admin)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "webhook_target_refused"
    assert "private" in refused.json()["detail"]
    assert client.get(ENDPOINTS, headers=admin).json()["endpoints"] == []


def test_plain_http_and_odd_schemes_are_refused(client: TestClient, admin: dict[str, str]) -> None:
    for url, why in (
        ("http://93.184.216.34/hook", "https"),
        ("ftp://93.184.216.34/hook", "https"),
        ("https://user:pw@93.184.216.34/hook", "password"),
        ("https://no-such-host.invalid/hook", "resolved"),
    ):
        refused = client.post(ENDPOINTS, json={"url": url}, headers=admin)
        assert refused.status_code == 422, url
        assert why in refused.json()["detail"], url


def test_an_admin_may_allow_a_private_network_and_it_is_recorded(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = {"url": "https://10.20.30.40/platina", "allow_private_network": True}
    created = client.post(ENDPOINTS, json=body, headers=admin)
    assert created.status_code == 201
    endpoint = created.json()
    assert (endpoint["allow_private_network"], endpoint["private_network_allowed_by"]) == (
        True,
        "ada",
    )
    assert endpoint["private_network_allowed_at"] is not None

    path = f"{ENDPOINTS}/{endpoint['id']}"
    withdrawn = client.patch(path, json={"allow_private_network": False}, headers=admin)
    assert withdrawn.status_code == 422  # the address needs it
    assert client.get(path, headers=admin).json()["allow_private_network"] is True


def test_updates_are_checked(client: TestClient, admin: dict[str, str]) -> None:
    endpoint = client.post(ENDPOINTS, json={"url": PUBLIC}, headers=admin).json()
    path = f"{ENDPOINTS}/{endpoint['id']}"
    changed = client.patch(
        path, json={"events": ["ticket.reopened"], "description": "Arkiv"}, headers=admin
    )
    assert (changed.json()["events"], changed.json()["description"]) == (
        ["ticket.reopened"],
        "Arkiv",
    )
    assert client.patch(path, json={"events": ["ticket.eaten"]}, headers=admin).status_code == 422
    assert client.patch(path, json={"status": "disabled"}, headers=admin).status_code == 422
    assert client.patch(f"{ENDPOINTS}/999", json={}, headers=admin).status_code == 404
