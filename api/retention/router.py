"""The HTTP endpoints of api/retention."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["retention"])
