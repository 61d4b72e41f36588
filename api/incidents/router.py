"""The HTTP endpoints of api/incidents."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["incidents"])
