"""The demo under concurrent clients: requests/s and latency of the search page.

Builds the demo knowledge base (`policekb demo --no-serve`) in a temporary home, starts
`policekb serve` on a free port as users start it, and has N client threads (each with
one keep-alive connection) request a page for a fixed time.

Run: .venv/bin/python bench/serving.py [--clients 8] [--seconds 10] [--path '/?q=camera'] [--threads 8]
     [--processes N (default: one per core)]
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import multiprocessing
import time
from pathlib import Path

TARGET_RPS, TARGET_P95_MS = 200, 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, threads: int, processes: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "policekb.cli", "--home", str(home), "serve", "--port", str(port),
               "--threads", str(threads), "--processes", str(processes)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def client(port: int, path: str, until: float, latencies: list[float], errors: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        except (OSError, http.client.HTTPException):
            errors.append(0)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
    connection.close()


def load(port: int, path: str, clients: int, seconds: float) -> tuple[list[float], list[int], float]:
    for _ in range(20):  # warm: first requests load the index and templates
        client(port, path, time.perf_counter() + 0.05, [], [])
    # One process per client: client threads sharing one interpreter would wait for each other's
    # turn on the GIL, and that wait would be counted as the server's latency.
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.starmap(_client_process, [(port, path, seconds)] * clients)
    latencies = [ms for got, _ in results for ms in got]
    errors = [e for _, failed in results for e in failed]
    return latencies, errors, time.perf_counter() - started


def _client_process(port: int, path: str, seconds: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    client(port, path, time.perf_counter() + seconds, latencies, errors)
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="client processes, one connection each")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--path", default="/?q=camera")
    parser.add_argument("--threads", type=int, default=8, help="the server's threads per process")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="server processes")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="policekb-serve-"))
    try:
        subprocess.run([sys.executable, "-m", "policekb.cli", "--home", str(home), "demo", "--no-serve"],
                       check=True, capture_output=True)
        port = free_port()
        server = start_server(home, port, args.threads, args.processes)
        try:
            latencies, errors, elapsed = load(port, args.path, args.clients, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        rps = len(latencies) / elapsed
        p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
        print(f"GET {args.path}: {args.clients} clients for {elapsed:.0f} s, server: {args.processes} processes "
              f"x {args.threads} threads (the clients run on the same machine)")
        print(f"  {rps:.0f} requests/s (target >= {TARGET_RPS}), p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(target <= {TARGET_P95_MS}), errors {len(errors)}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
