"""The tables of api/webhooks (migration in api/alembic/versions)."""

from __future__ import annotations
