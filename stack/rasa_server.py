"""`rasa run` with its auth token from the environment, not the command line.

Rasa takes its HTTP API token only as `--auth-token`, and a command line is
readable by every user of the machine (`ps`). This starter runs in Rasa's own
virtual environment, reads the token from VIOL3_RASA_TOKEN (removing it from
the environment Rasa's own code sees) and hands it to Rasa's command-line
entry point in-process, so it never appears in /proc/<pid>/cmdline.

    .venv-rasa/bin/python -m stack.rasa_server [rasa run arguments ...]
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    token = os.environ.pop("VIOL3_RASA_TOKEN", "")
    if not token:
        sys.exit("VIOL3_RASA_TOKEN must be set: the token of Rasa's HTTP API")
    from rasa.__main__ import main as rasa_main  # Rasa's venv only: imported here

    sys.argv = ["rasa", "run", *sys.argv[1:], "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
