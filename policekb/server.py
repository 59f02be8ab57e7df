"""Serving the app in production: waitress (pure Python, also on Windows) with a thread pool, an
access log in the Common Log Format, and a graceful stop on SIGTERM or Ctrl-C (requests in flight
finish, no new ones are taken)."""
from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
import time
from typing import IO


class AccessLog:
    """WSGI middleware writing one Common Log Format line per response."""

    def __init__(self, app, stream: IO[str]):
        self.app = app
        self.stream = stream

    def __call__(self, environ, start_response):
        seen = {}

        def recording_start(status, headers, exc_info=None):
            seen["status"] = status.split()[0]
            seen["size"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
            self._write(environ, seen)

    def _write(self, environ, seen: dict) -> None:
        when = dt.datetime.now().astimezone().strftime("%d/%b/%Y:%H:%M:%S %z")
        path = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        line = (f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{environ.get("REQUEST_METHOD")} {path} '
                f'{environ.get("SERVER_PROTOCOL")}" {seen.get("status", "-")} {seen.get("size", "-")}\n')
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed log must not break serving


def serve(app, host: str, port: int, threads: int = 8, log: IO[str] | None = None, grace: float = 30,
          sockets: list | None = None, share: tuple[ConnectionShares, int] | None = None) -> None:
    """Serve until SIGTERM or SIGINT; then stop listening and let the requests in flight finish
    (for `grace` seconds at most). sockets: already listening sockets to serve on instead;
    share: (the shares of the processes serving them, this one's slot)."""
    from waitress import create_server

    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    server = create_server(AccessLog(app, log or sys.stderr), threads=threads, ident="policekb",
                           clear_untrusted_proxy_headers=True, **where)
    wait = 1.0  # the loop waits at most this long, so a signal is seen promptly
    if share is not None:
        _accept_fair_share(server, *share)
        wait = ConnectionShares.RECHECK
    stopping = threading.Event()
    previous = {s: signal.signal(s, lambda signum, frame: stopping.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping.is_set():
            server.asyncore.loop(timeout=wait, map=server._map, count=1)
        # Stop listening only: the trigger stays, so the threads still serving can wake the loop.
        server.asyncore.dispatcher.close(server)
        deadline = time.monotonic() + grace
        while _open_channels(server) and time.monotonic() < deadline:
            server.asyncore.loop(timeout=0.2, map=server._map, count=1)
    finally:
        server.task_dispatcher.shutdown()
        server.trigger.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


class ConnectionShares:
    """How many connections each of the forked server processes holds, in memory they share, so
    that a new connection goes to a process holding the fewest. Left to the kernel, whichever
    process woke first took it, and keep-alive clients stay where they landed: eight clients
    all on one process while the other sat idle was common, and then one core served them all."""

    RECHECK = 0.05  # seconds: how soon a process that let others accept looks again

    def __init__(self, processes: int):
        import mmap

        self._memory = mmap.mmap(-1, 8 * processes)  # anonymous and shared: forked children see one copy
        self.counts = memoryview(self._memory).cast("q")

    def reset(self, slot: int) -> None:
        self.counts[slot] = 0

    def may_accept(self, slot: int, held: int) -> bool:
        """Record that `slot` holds `held` connections; whether none of the others holds fewer."""
        counts = self.counts
        counts[slot] = held
        return all(held <= count for other, count in enumerate(counts) if other != slot)


def _accept_fair_share(server, shares: ConnectionShares, slot: int) -> None:
    """The server listens only while no other process holds fewer connections (asyncore asks
    readable() before each wait; the count of channels is this process's open connections)."""
    listening = server.readable
    others = len(server._map)  # the listening socket and the trigger that wakes the loop

    def readable() -> bool:
        willing = listening()  # (also waitress's own housekeeping: always called)
        return shares.may_accept(slot, len(server._map) - others) and willing

    server.readable = readable


def _open_channels(server) -> bool:
    from waitress.channel import HTTPChannel

    return any(isinstance(channel, HTTPChannel) for channel in server._map.values())


def serve_processes(app, host: str, port: int, processes: int, threads: int = 8, log: IO[str] | None = None,
                    grace: float = 30) -> None:
    """Serve with `processes` forked processes sharing one listening socket (POSIX): Python runs one
    thread at a time per process, so this is how a server uses more than one core. A process that
    dies is replaced; SIGTERM or SIGINT stops them all gracefully."""
    import os
    import socket

    listener = socket.create_server((host, port), reuse_port=False, backlog=1024)
    shares = ConnectionShares(processes)
    children: dict[int, int] = {}  # pid -> slot
    stopping = threading.Event()

    def start_child(slot: int) -> None:
        shares.reset(slot)
        pid = os.fork()
        if pid == 0:  # the child serves until told to stop, then leaves without running the parent's cleanup
            code = 0
            try:
                serve(app, host, port, threads=threads, log=log, grace=grace, sockets=[listener],
                      share=(shares, slot))
            except BaseException:  # noqa: BLE001 - reported, and the parent starts another
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    previous = {s: signal.signal(s, lambda signum, frame: stopping.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for slot in range(processes):
            start_child(slot)
        while not stopping.is_set():
            pid = _reaped()
            if pid in children:
                slot = children.pop(pid)
                if not stopping.is_set():
                    print(f"policekb: server process {pid} ended; starting another", file=sys.stderr)
                    start_child(slot)
            stopping.wait(0.5)
    finally:
        for pid in children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace + 5
        while children and time.monotonic() < deadline:
            children.pop(_reaped(), None)
            time.sleep(0.05)
        for pid in children:
            _signal(pid, signal.SIGKILL)
        listener.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _reaped() -> int:
    import os

    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
        return pid
    except ChildProcessError:
        return 0


def _signal(pid: int, signum) -> None:
    import os

    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
