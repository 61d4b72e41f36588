"""The action server's guard, as a rasa-sdk plugin (rasa-sdk imports this package
by name and calls `init_hooks`): every call but the health check must carry the
shared secret that Rasa sends in a header (endpoints.yml), or it is refused.

Without a configured secret nothing is accepted: a forgotten setting closes the
server rather than opening it. The secret comes from the environment, never from
a command line, and is compared in constant time.
"""

from __future__ import annotations

import hmac
import logging
import os

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

HEADER = "X-Viol3-Actions-Token"
TOKEN_VARIABLE = "VIOL3_ACTIONS_TOKEN"
_OPEN_PATHS = frozenset({"/health"})  # readiness checks, which say nothing

hookimpl = pluggy.HookimplMarker("rasa_sdk")
log = logging.getLogger(__name__)


def is_authorised(given: str | None, expected: str) -> bool:
    """Whether the caller's token is the configured one (never when none is set)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class _Guard:
    @hookimpl  # type: ignore[misc]
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        expected = os.environ.get(TOKEN_VARIABLE, "")
        if not expected:
            log.warning("%s is not set: the action server refuses every call", TOKEN_VARIABLE)

        @app.on_request
        async def authenticate(request: Request) -> HTTPResponse | None:
            if request.path in _OPEN_PATHS:
                return None
            if is_authorised(request.headers.get(HEADER), expected):
                return None
            return response.json({"error": "unauthorised"}, status=401)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(_Guard())
