"""GET /health: the gateway and the parts it depends on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import AssistantDep, SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: SessionDep, assistant: AssistantDep) -> dict[str, Any]:
    """Report the state of Rasa, the action server and the database.

    Always 200 while the gateway runs: it still takes messages (and stores
    them for follow-up) when the assistant is down, so `status` says
    "degraded" rather than the endpoint failing.
    """
    parts = {
        "rasa": assistant.rasa_status(),
        "action_server": assistant.action_server_status(),
        "database": _database_status(db),
    }
    healthy = all(part["status"] == "up" for part in parts.values())
    return {"status": "ok" if healthy else "degraded", **parts}


def _database_status(db: SessionDep) -> dict[str, Any]:
    try:
        db.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the same to the caller
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up"}
