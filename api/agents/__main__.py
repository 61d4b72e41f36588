"""Create an agent account: python -m api.agents USERNAME "Display Name" [--admin].

The password is read from VIOL3_NEW_AGENT_PASSWORD or asked for, never taken
from the command line (it would end up in the shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.config import get_settings
from api.database import make_engine, session_factory
from api.migrations import upgrade_database


def main() -> int:
    parser = argparse.ArgumentParser(description="Create an agent account")
    parser.add_argument("username")
    parser.add_argument("display_name")
    parser.add_argument("--admin", action="store_true", help="give the admin role")
    args = parser.parse_args()
    password = os.environ.get("VIOL3_NEW_AGENT_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 8:
        print("The password must have at least 8 characters.", file=sys.stderr)
        return 2
    engine = make_engine(get_settings().database_url)
    upgrade_database(engine)
    with session_factory(engine)() as db:
        role = AgentRole.ADMIN if args.admin else AgentRole.AGENT
        create_agent(
            db=db,
            username=args.username,
            display_name=args.display_name,
            password=password,
            role=role,
        )
    print(f"Created {role} {args.username}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
