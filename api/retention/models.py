"""The tables of api/retention (migration in api/alembic/versions)."""

from __future__ import annotations
