"""Manage agent accounts from the shell:

    python -m api.agents create USERNAME "Display Name" --queue driver [--queue ...]
    python -m api.agents create USERNAME "Display Name" --admin
    python -m api.agents queues USERNAME [QUEUE ...]     (exactly these; none: no tickets)
    python -m api.agents unlock USERNAME                 (after too many failed logins)

`python -m api.agents USERNAME "Display Name" ...` (no command) still creates.
The password is read from VIOL3_NEW_AGENT_PASSWORD or asked for, never taken
from the command line (it would end up in the shell history), and must pass the
same rule as in the admin API (api/agents/rules.py).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from sqlalchemy.orm import Session

from api.agents import service
from api.agents.models import Agent, AgentRole
from api.agents.rules import membership_problem, password_problem
from api.config import Settings
from api.database import make_engine, session_factory
from api.errors import DomainError
from api.migrations import upgrade_database
from bot.triage.training import QUEUES

COMMANDS = ("create", "queues", "unlock")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m api.agents", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("display_name")
    create.add_argument("--admin", action="store_true", help="give the admin role")
    create.add_argument(
        "--queue", action="append", default=[], choices=QUEUES, help="a queue (repeatable)"
    )
    queues = commands.add_parser("queues", help="set an agent's queues")
    queues.add_argument("username")
    # No `choices` here: argparse rejects an empty list against them. The service
    # refuses an unknown queue instead.
    queues.add_argument("queues", nargs="*", metavar="QUEUE")
    unlock = commands.add_parser("unlock", help="lift a lockout after failed logins")
    unlock.add_argument("username")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and not args[0].startswith("-"):
        args.insert(0, "create")  # the form before there were commands
    parsed = _parser().parse_args(args)
    if parsed.command == "create":
        refused = _refused_account(parsed)
        if refused:
            print(refused, file=sys.stderr)
            return 2
    engine = make_engine(Settings().database_url)
    upgrade_database(engine)
    try:
        with session_factory(engine)() as db:
            print(_run(db, parsed))
    except DomainError as exc:
        print(exc.detail or exc.message, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _refused_account(parsed: argparse.Namespace) -> str | None:
    """Why the account cannot be created as asked (checked before the database)."""
    role = AgentRole.ADMIN if parsed.admin else AgentRole.AGENT
    problem = membership_problem(role, parsed.queue)
    if problem:
        return problem
    parsed.password = os.environ.get("VIOL3_NEW_AGENT_PASSWORD") or getpass.getpass("Password: ")
    return password_problem(parsed.password, parsed.username)


def _run(db: Session, parsed: argparse.Namespace) -> str:
    """Do what the command asks; what to print."""
    if parsed.command == "create":
        return _create(db, parsed)
    agent = service.find_agent(db=db, username=parsed.username)
    if agent is None:
        raise service.AgentNotFound
    if parsed.command == "queues":
        service.set_queues(db=db, agent=agent, queues=parsed.queues)
        return f"{agent.username}: {_queues(agent)}."
    service.unlock(db=db, agent=agent)
    return f"Unlocked {agent.username}."


def _create(db: Session, parsed: argparse.Namespace) -> str:
    role = AgentRole.ADMIN if parsed.admin else AgentRole.AGENT
    agent = service.create_agent(
        db=db,
        username=parsed.username,
        display_name=parsed.display_name,
        password=parsed.password,
        role=role,
        queues=parsed.queue,
    )
    return f"Created {role} {agent.username} ({_queues(agent)})."


def _queues(agent: Agent) -> str:
    if agent.role == AgentRole.ADMIN:
        return "every queue, as an admin"
    return "queues: " + (", ".join(agent.queues) or "none, so no tickets")


if __name__ == "__main__":
    sys.exit(main())
