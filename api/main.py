"""The FastAPI application: wiring only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.agents.router import router as agents_router
from api.assistant.client import RasaClient
from api.config import Settings, get_settings
from api.conversations.router import router as chat_router
from api.database import make_engine, session_factory
from api.exceptions import register_exception_handlers
from api.handoffs.router import router as handoffs_router
from api.health.router import router as health_router
from api.knowledge.router import router as knowledge_router
from api.limits import BodySizeLimit
from api.migrations import upgrade_database
from api.queues.router import router as queues_router
from api.tickets.router import router as tickets_router
from api.tickets.watch import watch_due_times
from api.triage.router import router as triage_router
from bot.knowledge.search import default_index
from bot.language import warm_up

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway for `settings` (read from the environment by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        upgrade_database(engine)
        warm_up()
        default_index()  # build the search index before the first question
        factory = session_factory(engine)
        with httpx.Client() as http:
            app.state.settings = settings
            app.state.session_factory = factory
            app.state.assistant = RasaClient(settings, http)
            watcher = asyncio.create_task(watch_due_times(factory, settings.sla_check_seconds))
            yield
            watcher.cancel()
        engine.dispose()

    app = FastAPI(
        title="viol3-assist",
        summary="Support assistant for Biometria's VIOL 3 go-live (sv, en, fi)",
        lifespan=lifespan,
    )
    register_exception_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(chat_router)
    app.include_router(health_router)
    app.include_router(knowledge_router)
    app.include_router(queues_router)
    app.include_router(triage_router)
    app.include_router(agents_router)
    app.include_router(tickets_router)
    app.include_router(handoffs_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
