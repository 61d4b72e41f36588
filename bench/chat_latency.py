"""Latency and throughput of /api/v1/chat against Rasa's own endpoints, same run.

Starts the real assistant (actions, Rasa, API) on free ports with a fresh
database, then sends the same realistic messages (sv, en, fi) to
  gateway  POST /api/v1/chat                (language choice, storage, Rasa, tracker)
  webhook  POST Rasa /webhooks/rest/webhook (Rasa + action server, no gateway)
  parse    POST Rasa /model/parse           (NLU only)
at 1 and 16 concurrent senders, and reports p50/p95/p99 and requests/s; the
gateway/webhook ratio is the gateway's overhead. Not part of the test suite.

    .venv/bin/python -m bench.chat_latency [--requests 300] [--cold-start]

--cold-start also times `scripts/run` from the command to the first answer
(environments and model already in place).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from stack.processes import ROOT, Ports, free_port, running

MESSAGES = [
    ("hej", "sv"),
    ("jag kan inte logga in i chaufförsklienten", "sv"),
    ("koden för tvåfaktor kommer inte", "sv"),
    ("vad betyder vrak på mätbeskedet", "sv"),
    ("hello", "en"),
    ("i cant login to the driver app", "en"),
    ("when are you open on saturday", "en"),
    ("moi", "fi"),
    ("en pääse kirjautumaan chaufförsklienteniin", "fi"),
    ("kiitos avusta", "fi"),
]


CONVERSATION_TURNS = 10


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def load(send, total: int, concurrency: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Send `total` requests from `concurrency` senders; latency in ms."""
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker(worker_id: int) -> None:
        for i in counter:
            text, lang = MESSAGES[i % len(MESSAGES)]
            # A new conversation every ten messages, as real conversations are short.
            sender = f"bench-{concurrency}-{worker_id}-{i // CONVERSATION_TURNS}"
            started = time.perf_counter()
            await send(sender, text, lang)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    wall = time.perf_counter() - started
    return {
        "requests": total,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "rps": round(total / wall, 1),
    }


def senders(client: httpx.AsyncClient, ports: Ports, token: str) -> dict:  # type: ignore[type-arg]
    api, rasa = f"http://127.0.0.1:{ports.api}", f"http://127.0.0.1:{ports.rasa}"

    async def gateway(sender: str, text: str, lang: str) -> None:
        r = await client.post(f"{api}/api/v1/chat", json={"sender": sender, "message": text})
        r.raise_for_status()
        assert r.json()["assistant_available"], r.text

    async def webhook(sender: str, text: str, lang: str) -> None:
        body = {"sender": f"wh-{sender}", "message": text, "metadata": {"language": lang}}
        r = await client.post(f"{rasa}/webhooks/rest/webhook", json=body)
        r.raise_for_status()
        assert r.json(), "empty answer"

    async def parse(sender: str, text: str, lang: str) -> None:
        r = await client.post(f"{rasa}/model/parse", params={"token": token}, json={"text": text})
        r.raise_for_status()

    return {"gateway": gateway, "webhook": webhook, "parse": parse}


async def measure(ports: Ports, token: str, total: int) -> dict:  # type: ignore[type-arg]
    results: dict[str, dict[str, dict[str, float]]] = {}
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        targets = senders(client, ports, token)
        for send in targets.values():  # warm-up: TensorFlow graphs, DB, pools
            await load(send, 20, 4)
        for concurrency in (1, 16):
            for name, send in targets.items():
                print(f"  {name} at {concurrency} concurrent...", flush=True)
                results.setdefault(name, {})[str(concurrency)] = await load(
                    send, total, concurrency
                )
    return results


def cold_start() -> float:
    """Seconds from `scripts/run` to the first answer of /api/v1/chat."""
    ports = Ports(api=free_port(), rasa=free_port(), actions=free_port())
    with TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "VIOL3_API_PORT": str(ports.api),
            "VIOL3_RASA_PORT": str(ports.rasa),
            "VIOL3_ACTIONS_PORT": str(ports.actions),
            "VIOL3_DATABASE_URL": f"sqlite:///{tmp}/cold.db",
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("scripts/run exited before answering")
                try:
                    r = httpx.post(
                        f"http://127.0.0.1:{ports.api}/api/v1/chat",
                        json={"sender": "cold", "message": "hej"},
                        timeout=30,
                    )
                    if r.status_code == 200 and r.json()["assistant_available"]:
                        return time.perf_counter() - started
                except httpx.HTTPError:
                    pass
                time.sleep(0.25)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(60)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    memory = f"{memory_kb / 1024**2:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per target and concurrency")
    parser.add_argument("--cold-start", action="store_true")
    args = parser.parse_args()
    report: dict = {"machine": machine()}  # type: ignore[type-arg]
    if args.cold_start:
        print("Timing scripts/run to the first answer...", flush=True)
        report["cold_start_s"] = round(cold_start(), 1)
    ports = Ports(api=free_port(), rasa=free_port(), actions=free_port())
    token = secrets.token_hex(16)
    with (
        TemporaryDirectory() as tmp,
        running(ports, token=token, database_url=f"sqlite:///{tmp}/bench.db"),
    ):
        report["results"] = asyncio.run(measure(ports, token, args.requests))
    out = ROOT / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print_table(report)


def print_table(report: dict) -> None:  # type: ignore[type-arg]
    print(f"\nMachine: {report['machine']}")
    if "cold_start_s" in report:
        print(f"Cold start (scripts/run to first answer): {report['cold_start_s']} s")
    print("\n| target | concurrency | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|")
    for name, by_conc in report["results"].items():
        for conc, r in by_conc.items():
            print(
                f"| {name} | {conc} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['rps']} |"
            )
    res = report["results"]
    for conc in ("1", "16"):
        ratio = res["gateway"][conc]["p50_ms"] / res["webhook"][conc]["p50_ms"]
        print(f"gateway/webhook p50 ratio at {conc}: {ratio:.2f}")


if __name__ == "__main__":
    main()
