"""The tables of api/feedback (migration in api/alembic/versions)."""

from __future__ import annotations
