"""Run the whole assistant until Ctrl-C: python -m stack (scripts/run calls this)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from stack.processes import Ports, Service, StartupFailed, running


def _announce(service: Service) -> None:
    print(f"  {service.name} is ready", flush=True)


def main() -> int:
    ports = Ports.from_env()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    started = time.monotonic()
    print(
        "Starting the action server, Rasa, the API and the outbox sender"
        " (Rasa takes about 20 s)...",
        flush=True,
    )
    try:
        token = os.environ.get("VIOL3_RASA_TOKEN")  # so other tools can reach Rasa too
        with running(ports, token=token, on_ready=_announce) as services:
            print(
                f"\nviol3-assist is running ({time.monotonic() - started:.0f} s to start).\n"
                f"  Chat:    http://localhost:{ports.api}/\n"
                f"  Console: http://localhost:{ports.api}/console\n"
                f"  API:     http://localhost:{ports.api}/docs\n"
                f"  Health:  http://localhost:{ports.api}/health\n"
                f"  Logs:    var/log/\n"
                "Press Ctrl-C to stop.",
                flush=True,
            )
            _watch(services, stop)
    except StartupFailed as exc:
        print(f"\nCould not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("\nStopped.", flush=True)
    return 0


def _watch(services: list[Service], stop: threading.Event) -> None:
    """Wait for Ctrl-C or SIGTERM; report a service that dies meanwhile."""
    while not stop.wait(1.0):
        for service in services:
            if service.process is not None and service.process.poll() is not None:
                print(f"\n{service.name} stopped unexpectedly. {service.tail()}", file=sys.stderr)
                stop.set()


if __name__ == "__main__":
    sys.exit(main())
