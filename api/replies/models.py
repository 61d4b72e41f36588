"""The tables of api/replies (migration in api/alembic/versions)."""

from __future__ import annotations
