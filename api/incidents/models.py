"""The tables of api/incidents (migration in api/alembic/versions)."""

from __future__ import annotations
