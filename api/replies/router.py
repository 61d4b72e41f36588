"""The HTTP endpoints of api/replies."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["replies"])
