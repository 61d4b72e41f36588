"""The FastAPI application: wiring only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.agents.router import router as agents_router
from api.alarms.router import router as alerts_router
from api.assistant.client import RasaClient
from api.attachments.router import router as attachments_router
from api.channels.telegram import router as telegram_router
from api.channels.twilio_sms import router as twilio_sms_router
from api.channels.twilio_voice import router as twilio_voice_router
from api.channels.web import router as chat_router
from api.config import Settings, get_settings
from api.database import make_engine, session_factory
from api.exceptions import register_exception_handlers
from api.feedback.router import router as feedback_router
from api.handoffs.router import router as handoffs_router
from api.health.router import router as health_router
from api.incidents.router import router as incidents_router
from api.insights.router import router as insights_router
from api.knowledge.drafts import router as drafts_router
from api.knowledge.router import router as knowledge_router
from api.knowledge.suggestions import router as suggestions_router
from api.limits import BodySizeLimit
from api.migrations import upgrade_database
from api.openapi import truthful_openapi
from api.queues.router import router as queues_router
from api.ratelimit import RateLimits, RateLimitsDep, Scope, client_address
from api.replies.router import router as replies_router
from api.retention.job import run_daily
from api.retention.router import router as retention_router
from api.tickets.router import router as tickets_router
from api.tickets.watch import watch_due_times
from api.triage.router import router as triage_router
from api.webhooks.router import router as webhooks_router
from bot.knowledge.search import default_index
from bot.language import warm_up
from bot.triage import warm_up as warm_up_triage

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
        warm_up_triage()  # and the triage models before the first hand-off
        factory = session_factory(engine)
        with httpx.Client() as http:
            app.state.settings = settings
            app.state.session_factory = factory
            app.state.assistant = RasaClient(settings, http)
            app.state.rate_limits = RateLimits(settings)
            watcher = asyncio.create_task(
                watch_due_times(factory, settings.sla_check_seconds, settings)
            )
            retention = asyncio.create_task(run_daily(factory, settings, app.state.assistant))
            yield
            retention.cancel()
            watcher.cancel()
        engine.dispose()

    app = FastAPI(
        title="viol3-assist",
        summary="Support assistant for Biometria's VIOL 3 go-live (sv, en, fi)",
        lifespan=lifespan,
    )
    register_exception_handlers(app)
    app.openapi = lambda: truthful_openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # The chat widget runs on other sites' pages. Added last, so outermost: a
    # 413 from the size limit still carries the CORS headers and the widget can
    # show its message. No cookies and no Authorization header cross origins,
    # so no page on another site can act with an agent's token.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.widget_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Conversation-Token"],
    )
    app.include_router(chat_router)
    app.include_router(health_router)
    app.include_router(knowledge_router)
    app.include_router(drafts_router)
    app.include_router(insights_router)
    app.include_router(queues_router)
    app.include_router(triage_router)
    app.include_router(agents_router)
    app.include_router(tickets_router)
    app.include_router(attachments_router)
    app.include_router(alerts_router)
    app.include_router(suggestions_router)
    app.include_router(handoffs_router)
    app.include_router(telegram_router)
    app.include_router(twilio_sms_router)
    app.include_router(twilio_voice_router)
    app.include_router(incidents_router)
    app.include_router(feedback_router)
    app.include_router(webhooks_router)
    app.include_router(retention_router)
    app.include_router(replies_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/widget.js", include_in_schema=False)
    def chat_widget(request: Request, limits: RateLimitsDep) -> FileResponse:
        limits.check(Scope.WIDGET_CLIENT, client_address(request))
        return FileResponse(STATIC / "widget.js", media_type="text/javascript")

    @app.get("/console", include_in_schema=False)
    def agent_console() -> FileResponse:
        return FileResponse(STATIC / "console.html")

    return app


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
# httpx logs every request's URL at INFO, and Rasa's HTTP API takes its token only
# as a query parameter ("/status?token=..."): those lines would put it in api.log.
logging.getLogger("httpx").setLevel(logging.WARNING)
