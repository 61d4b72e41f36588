"""The one place the actions talk to the gateway's API (hand-offs)."""

from __future__ import annotations

from typing import Any

import httpx

from api.config import get_settings


class ApiUnavailable(Exception):
    """The API did not accept the request."""


def create_handoff(**fields: Any) -> dict[str, Any]:
    """POST /api/v1/handoffs; the same idempotency key returns the same ticket."""
    settings = get_settings()
    try:
        response = httpx.post(
            f"{settings.api_url.rstrip('/')}/api/v1/handoffs",
            json=fields,
            headers={"X-Internal-Token": settings.internal_token.get_secret_value()},
            timeout=15,
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise ApiUnavailable(exc.__class__.__name__) from exc
    data: dict[str, Any] = response.json()
    return data
