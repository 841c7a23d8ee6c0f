"""Load test of the search API as deployed: gunicorn with generator/gunicorn_conf.py, while `csops build` rebuilds.

Copies the bundled portal to a temporary folder, builds it, starts gunicorn on 127.0.0.1, then runs
`--clients` keep-alive HTTP clients (raw http.client, one thread each) for `--seconds`, sending mixed
requests (the benchmark's reader questions, filtered searches, inline filters, ticket suggestions,
health checks) while `--rebuilds` full `csops build` runs swap new index generations in. Every answer
that is not a 200 counts as an error.

    python benchmarks/load.py                        # 20 s, 16 clients, 3 rebuilds
    python benchmarks/load.py --workers 3 --threads 2

Prints requests/s, errors by status, latency percentiles, and the machine's load average (the machine
may be shared: report that number with the result).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TICKET = ("Subject: renewal in 45 days, customer silent\n\nOur champion has not replied to three emails and the "
          "renewal date is close. The economic buyer may have left. What should I do?")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mixed_requests() -> list[tuple[str, str, bytes | None]]:
    """(method, path, body): what a portal's readers and a ticket tool's sidebar send."""
    questions = [q["q"] for q in yaml.safe_load((REPO / "benchmarks/queries.yml").read_text(encoding="utf-8"))["en"]["queries"]]
    requests = [("GET", "/api/search?" + urllib.parse.urlencode({"q": q}), None) for q in questions]
    requests += [("GET", "/api/search?" + urllib.parse.urlencode(p), None) for p in (
        {"q": "renewal", "role": "csm"}, {"q": "health score", "kind": "faq"}, {"q": "kickoff", "phase": "onboarding"},
        {"q": "role:csm renewal forecast"}, {"q": "kind:faq discount"}, {"q": "quokka stakeholders"},
        {"q": "renewal OR (forecast AND dashboard)"}, {"q": "dashboard", "limit": "50"})]
    requests += [("POST", "/api/suggest", json.dumps({"text": TICKET}).encode())] * 4
    requests += [("GET", "/api/health", None)] * 2
    return requests


def start_gunicorn(project: Path, port: int, *extra: str, env: dict | None = None) -> subprocess.Popen:
    """The production command from README, on a free port; returns once it answers."""
    command = [str(BIN / "gunicorn"), "-c", "python:generator.gunicorn_conf", "--bind", f"127.0.0.1:{port}", *extra,
               f'generator.server:create_app("{project}")']
    # its log goes to a file: a pipe nobody reads fills up with warnings about bad requests and blocks gunicorn
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    log.seek(0)
    raise RuntimeError(f"gunicorn did not start: {log.read()[-2000:]}")


def run_clients(port: int, clients: int, seconds: float, requests: list, max_requests: int = 10**7) -> dict:
    """`clients` keep-alive clients for `seconds` (or `max_requests` in all); statuses and latencies."""
    statuses: Counter = Counter()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    sent = iter(range(max_requests))

    def client(seed: int):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: Counter = Counter()
        times: list[float] = []
        while time.monotonic() < stop_at and next(sent, None) is not None:
            method, path, body = rng.choice(requests)
            start = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"} if body else {}
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                mine[response.status] += 1
                if response.status != 200 and len(failures) < 20:
                    with lock:
                        failures.append(f"{response.status} {path[:80]}: {payload[:200]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                mine[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            times.append(time.perf_counter() - start)
        connection.close()
        with lock:
            statuses.update(mine)
            latencies.extend(times)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    total = sum(statuses.values())
    return {"requests": total, "seconds": elapsed, "rps": total / elapsed if elapsed else 0.0,
            "errors": total - statuses.get(200, 0), "statuses": dict(statuses), "failures": failures,
            "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
            "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0.0}


def rebuild_during(project: Path, rebuilds: int, seconds: float, edit=None) -> tuple[threading.Thread, list]:
    """A thread running `csops build` `rebuilds` times, spread over `seconds`; collects each exit code."""
    results: list[int] = []

    def loop():
        gap = seconds / (rebuilds + 1)
        for n in range(rebuilds):
            time.sleep(gap * 0.5)
            if edit is not None:
                edit(n)
            done = subprocess.run([str(BIN / "csops"), "build", "--project", str(project)], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            results.append(done.returncode)

    thread = threading.Thread(target=loop)
    thread.start()
    return thread, results


def touch_content(project: Path):
    """Each rebuild changes one FAQ answer, so every build writes a new index generation."""
    faq = next(sorted((project / "content/faq").glob("*.yml")).__iter__())
    original = faq.read_text(encoding="utf-8")

    def edit(n: int):
        faq.write_text(original + f"\n# rebuild {n}\n", encoding="utf-8")

    return edit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rebuilds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn_conf's)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="csops-load-") as tmp:
        project = Path(tmp) / "portal"
        project.mkdir()
        shutil.copytree(REPO / "content", project / "content")
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        subprocess.run([str(BIN / "csops"), "build", "--project", str(project)], check=True, stdout=subprocess.DEVNULL)
        extra = [*(["--workers", str(args.workers)] if args.workers else []),
                 *(["--threads", str(args.threads)] if args.threads else [])]
        port = free_port()
        server = start_gunicorn(project, port, *extra)
        try:
            load_before = os.getloadavg()
            rebuilder, builds = rebuild_during(project, args.rebuilds, args.seconds, touch_content(project))
            result = run_clients(port, args.clients, args.seconds, mixed_requests())
            rebuilder.join()
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{result['requests']} requests in {result['seconds']:.1f} s from {args.clients} clients: "
          f"{result['rps']:.0f} requests/s, {result['errors']} errors {result['statuses']}")
    print(f"latency p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
          f"rebuilds during the run: {len(builds)} (exit codes {builds})")
    print(f"machine: {os.cpu_count()} cores, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after "
          f"(1 min)")
    for failure in result["failures"]:
        print("  ", failure)
    return 1 if result["errors"] or any(builds) else 0


if __name__ == "__main__":
    sys.exit(main())
