"""The gateway's client for the Rasa server (REST channel) and the action server."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.config import Settings

log = logging.getLogger(__name__)


class AssistantUnavailable(Exception):
    """Rasa or the action server could not answer."""


@dataclass(frozen=True)
class Bubble:
    """One message of the assistant; `buttons` are (title, payload) suggestions."""

    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AssistantReply:
    """What the assistant said to one message, and what it understood and did."""

    bubbles: list[Bubble]
    turn: dict[str, Any] = field(default_factory=dict)  # from actions: topic, choices, ...
    intent: str | None = None
    intent_confidence: float | None = None
    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return [b.text for b in self.bubbles]


class RasaClient:
    """Talks to Rasa's REST webhook and HTTP API over one pooled HTTP client."""

    def __init__(self, settings: Settings, http: httpx.Client) -> None:
        self._rasa = settings.rasa_url.rstrip("/")
        self._actions = settings.action_server_url.rstrip("/")
        self._token = settings.rasa_token.get_secret_value()
        self._timeout = settings.rasa_timeout_seconds
        self._health_timeout = settings.health_timeout_seconds
        self._http = http

    def send(self, *, conversation_key: str, text: str, metadata: dict[str, Any]) -> AssistantReply:
        """Send one user message; raise AssistantUnavailable if no answer comes back."""
        payload = {"sender": conversation_key, "message": text, "metadata": metadata}
        try:
            response = self._http.post(
                f"{self._rasa}/webhooks/rest/webhook", json=payload, timeout=self._timeout
            )
            response.raise_for_status()
            bubbles = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(f"Rasa webhook failed: {exc.__class__.__name__}") from exc
        shown, turn = _split(bubbles)
        if not shown:
            # Every turn of this assistant says something; silence means a
            # custom action failed (the action server is down or crashed).
            raise AssistantUnavailable("Rasa answered with no message")
        reply = self._with_understanding(conversation_key, shown, turn)
        wanted = metadata.get("language")
        if reply.slots and wanted and reply.slots.get("language") != wanted:
            # The action server fills the language slot on every turn; if it did
            # not, it is down and Rasa answered in whatever language it had.
            raise AssistantUnavailable("the action server did not set the language slot")
        return reply

    def _with_understanding(
        self, conversation_key: str, bubbles: list[Bubble], turn: dict[str, Any]
    ) -> AssistantReply:
        """Add the intent and slots Rasa recorded for the turn (best effort)."""
        try:
            response = self._http.get(
                f"{self._rasa}/conversations/{conversation_key}/tracker",
                params={"include_events": "NONE", "token": self._token},
                timeout=self._timeout,
            )
            response.raise_for_status()
            tracker = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            # Not the exception itself: its text holds the URL, and the URL the token.
            log.warning(
                "could not read the tracker of %s: %s", conversation_key, type(exc).__name__
            )
            return AssistantReply(bubbles, turn)
        intent = (tracker.get("latest_message") or {}).get("intent") or {}
        return AssistantReply(
            bubbles=bubbles,
            turn=turn,
            intent=intent.get("name"),
            intent_confidence=intent.get("confidence"),
            slots=tracker.get("slots") or {},
        )

    def reset_tracker(self, *, conversation_key: str) -> bool:
        """Empty the conversation's tracker in Rasa (its events replaced by none), for
        retention and erasure; whether Rasa did."""
        try:
            response = self._http.put(
                f"{self._rasa}/conversations/{conversation_key}/tracker/events",
                params={"include_events": "NONE", "token": self._token},
                json=[],
                timeout=self._timeout,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            # Not the exception itself: its text holds the URL, and the URL the token.
            log.warning(
                "could not reset the tracker of %s: %s", conversation_key, type(exc).__name__
            )
            return False
        return True

    def rasa_status(self) -> dict[str, Any]:
        """Rasa's own status (the loaded model), or the reason it is not reachable."""
        try:
            response = self._http.get(
                f"{self._rasa}/status",
                params={"token": self._token},
                timeout=self._health_timeout,
            )
            response.raise_for_status()
            status = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return {"status": "down", "error": exc.__class__.__name__}
        if not status.get("model_file"):
            return {"status": "down", "error": "no model loaded"}
        return {"status": "up", "model": status["model_file"]}

    def action_server_status(self) -> dict[str, Any]:
        """The action server's health, or the reason it is not reachable."""
        try:
            response = self._http.get(f"{self._actions}/health", timeout=self._health_timeout)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            return {"status": "down", "error": exc.__class__.__name__}
        return {"status": "up"}


def _split(messages: Any) -> tuple[list[Bubble], dict[str, Any]]:
    """Rasa's REST output as bubbles to show, and the actions' turn info (not shown)."""
    bubbles: list[Bubble] = []
    turn: dict[str, Any] = {}
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, dict):
            continue
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("viol3"), dict):
            turn.update(custom["viol3"])
        if message.get("text"):
            buttons = [
                (str(b.get("title", "")), str(b.get("payload", "")))
                for b in message.get("buttons") or []
                if isinstance(b, dict)
            ]
            bubbles.append(Bubble(str(message["text"]), buttons))
    return bubbles, turn
