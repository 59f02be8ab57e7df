"""`policekb serve` as people start it: the production server (waitress) over HTTP with an access log,
stopping gracefully on SIGTERM; `--dev` is Werkzeug's server."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from corpus import Store
from policekb.pipeline import build_index, import_paths
from tests.test_browser import free_port, wait_for_url as wait_for


@pytest.fixture
def home(tmp_path, corpus_dir):
    home = tmp_path / "home"
    with Store(home / "policekb.sqlite3") as store:
        import_paths(store, [corpus_dir])
        build_index(store, home / "index")
    return home


def test_production_server_logs_requests_and_stops_on_sigterm(home):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(home), "serve", "--port", str(port),
                               "--threads", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/?q=camera").decode()
        assert "Camera an ninh" in page
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            wait_for(f"http://127.0.0.1:{port}/api/search?q=camera"))) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(results) == 8
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert 'GET /?q=camera HTTP/1.1" 200' in err
    assert err.count('GET /api/search?q=camera HTTP/1.1" 200') == 8
    assert "stopped" in err and "Traceback" not in err


def test_dev_server_only_when_asked(home):
    from policekb.cli import build_parser

    args = build_parser().parse_args(["serve", "--dev"])
    assert args.dev and args.threads == 8
    assert not build_parser().parse_args(["serve"]).dev


def _children(pid: int) -> set[int]:
    from pathlib import Path

    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not hasattr(__import__("os"), "fork") or not __import__("os").path.exists("/proc/self/task"),
                    reason="--processes forks (POSIX) and this test reads /proc")
def test_several_server_processes_share_the_port_replace_a_dead_one_and_all_stop_on_sigterm(home):
    import os
    import time

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(home), "serve", "--port", str(port),
                               "--processes", "2", "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        assert "Camera an ninh" in wait_for(f"http://127.0.0.1:{port}/?q=camera").decode()
        workers = _children(server.pid)
        assert len(workers) == 2
        os.kill(next(iter(workers)), signal.SIGKILL)  # a worker dies: another takes its place
        deadline = time.time() + 20
        while time.time() < deadline and (len(_children(server.pid)) != 2 or _children(server.pid) == workers):
            time.sleep(0.2)
        replaced = _children(server.pid)
        assert len(replaced) == 2 and replaced != workers
        for _ in range(6):
            assert "Camera an ninh" in wait_for(f"http://127.0.0.1:{port}/?q=camera").decode()
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=40)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert "starting another" in err and "Traceback" not in err
    assert err.count('GET /?q=camera HTTP/1.1" 200') >= 7
    for pid in replaced:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


def _sockets_held(pid: int) -> int:
    import os
    from pathlib import Path

    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held += os.readlink(fd).startswith("socket:")
        except OSError:
            pass  # closed while we looked
    return held


@pytest.mark.skipif(not hasattr(__import__("os"), "fork") or not __import__("os").path.exists("/proc/self/task"),
                    reason="--processes forks (POSIX) and this test reads /proc")
def test_keep_alive_connections_are_spread_evenly_over_the_server_processes(home):
    """Left to the kernel, eight keep-alive clients often all landed on one process (one core
    serving everything); each process now accepts only while no other holds fewer connections."""
    import http.client
    import time

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(home), "serve", "--port", str(port),
                               "--processes", "2", "--threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/?q=camera")
        workers = sorted(_children(server.pid))
        time.sleep(0.3)  # the probe's connection closed
        idle = {pid: _sockets_held(pid) for pid in workers}
        for _ in range(4):
            clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=20) for _ in range(8)]
            threads = [threading.Thread(target=_get, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(0.2)
            held = [_sockets_held(pid) - idle[pid] for pid in workers]
            assert held == [4, 4], held
            for c in clients:
                c.close()
            deadline = time.time() + 10
            while time.time() < deadline and any(_sockets_held(pid) > idle[pid] for pid in workers):
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=40)


def _get(connection) -> None:
    connection.request("GET", "/?q=camera")
    response = connection.getresponse()
    assert response.status == 200
    response.read()
