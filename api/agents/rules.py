"""What a new account must satisfy: checked alike by the admin API and the CLI."""

from __future__ import annotations

from collections.abc import Collection

from api.agents.models import AgentRole

PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_CHARS = 256


def password_problem(password: str, username: str) -> str | None:
    """Why `password` will not do for `username`'s account, or None. (The message
    never quotes the password.)"""
    if len(password) < PASSWORD_MIN_CHARS:
        return f"The password must have at least {PASSWORD_MIN_CHARS} characters."
    if len(password) > PASSWORD_MAX_CHARS:
        return f"The password must have at most {PASSWORD_MAX_CHARS} characters."
    if username and username.casefold() in password.casefold():
        return "The password must not contain the user name."
    return None


def membership_problem(role: AgentRole, queues: Collection[str]) -> str | None:
    """Why an account of `role` cannot start with `queues`, or None: an agent works
    the tickets of their queues only, so an agent without one could do nothing; an
    admin sees every queue and needs none."""
    if role == AgentRole.AGENT and not queues:
        return "An agent needs at least one queue (admins see every queue)."
    return None
