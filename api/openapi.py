"""The OpenAPI document as the API really answers.

FastAPI documents only the success answer and its own validation error
(`HTTPValidationError`), while every error of this API has one shape,
`ErrorBody` (api/exceptions.py makes it). This adds the error answers each
operation can give, with that schema, from what the operation is: a body can
be too large, a path id can name nothing, a bearer token can be missing, and
the public endpoints are rate-limited.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

_ERROR = {"$ref": "#/components/schemas/ErrorBody"}
_RATE_LIMITED = ("/api/v1/chat", "/api/v1/channels/", "/api/v1/agents/login")
_TEXTS = {
    401: "Not logged in, or the token is wrong or expired",
    403: "Not allowed: the role, the queue, the ticket's agent, a conversation token "
    "or a webhook signature is missing",
    404: "No such object (or one outside the agent's queues)",
    409: "Not possible in the object's current state",
    413: "The request body is too large",
    422: "The request is invalid; `detail` says why in the user's language",
    423: "The account is locked after repeated failed logins",
    429: "Too many requests; `Retry-After` says when to try again",
}


class ErrorBody(BaseModel):
    """Every error answer of this API."""

    detail: str = Field(description="What went wrong, in the user's language where one is known")
    code: str = Field(description="A stable code for programs")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For invalid requests: where (loc), what (msg, type)"
    )


def _statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    found = {422}
    if "requestBody" in operation:
        found.add(413)
    if "{" in path:
        found.add(404)
    if operation.get("security") or any(
        str(p.get("name", "")).lower() == "x-internal-token"
        for p in operation.get("parameters", [])
    ):
        found |= {401, 403, 404, 409}
    if path.startswith("/api/v1/chat") or path.startswith("/api/v1/channels/"):
        found.add(403)  # a conversation token, a webhook's signature
    if path.startswith(_RATE_LIMITED):
        found.add(429)
    if path == "/api/v1/agents/login":
        found |= {401, 423}
    if path.startswith("/api/v1/tickets") and method == "post":
        found.add(409)
    return found


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every error answer and its real schema."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, method, operation)):
                responses[str(status)] = {
                    "description": _TEXTS[status],
                    "content": {"application/json": {"schema": _ERROR}},
                }
    app.openapi_schema = schema
    return schema
