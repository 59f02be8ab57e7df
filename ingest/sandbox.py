"""Run a parser in a child process with a time and memory limit.

A hanging or bomb-like file must end as a ParseError for that file, never stop
a batch or exhaust the machine. Files are parsed by a worker process forked
from this one (so it has the parsers already imported) that limits its address
space with RLIMIT_AS and stays alive between files: forking per file costs
10-25 ms of copy-on-write faults, more than parsing a short PDF. The parent
waits on a pipe and kills the worker when time runs out, when it dies, after a
memory error and every MAX_JOBS files; the next call forks a fresh one.

The worker is a snapshot of this process when it was forked: functions are sent
by reference (module-level functions only), and module state changed later in
the parent (a monkeypatch in a test) is not seen until reset()."""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any

from ingest.document import ParseError

TIMEOUT_SECONDS = float(os.environ.get("POLICEKB_PARSE_TIMEOUT", "300"))
MEMORY_MB = int(os.environ.get("POLICEKB_PARSE_MEMORY_MB", "2048"))
MAX_JOBS = 200  # a fresh worker now and then: its heap only grows


class _Worker:
    def __init__(self, memory_mb: int):
        context = multiprocessing.get_context("fork")
        self.memory_mb = memory_mb
        self.jobs = 0
        self.conn, child_conn = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child_conn, memory_mb), daemon=True)
        self.process.start()
        child_conn.close()

    def call(self, func: Callable[..., Any], args: tuple, timeout: float) -> tuple[str, Any]:
        """(status, value); raises ParseError on timeout or death, after stopping the worker."""
        self.jobs += 1
        try:
            self.conn.send((func, args))
            if not self.conn.poll(timeout):
                raise ParseError(f"parsing timed out after {timeout:g} s")
            return self.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.process.join(5)
            raise ParseError(_death_reason(self.process.exitcode, self.memory_mb)) from None

    def stop(self) -> None:
        self.conn.close()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            if self.process.is_alive():
                self.process.kill()
        self.process.join(5)


_worker: _Worker | None = None
_lock = threading.Lock()


def run_limited(func: Callable[..., Any], *args: Any, timeout: float | None = None,
                memory_mb: int | None = None) -> Any:
    """func(*args) in the worker; its return value, or ParseError when it raises
    ParseError, runs out of time or memory, or the worker dies."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory_mb = MEMORY_MB if memory_mb is None else memory_mb
    if "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)  # no fork (Windows): parse in-process, without limits
    with _lock:
        status, value = _call_worker(func, args, timeout, memory_mb)
    if status == "ok":
        return value
    if status == "memory":
        raise ParseError(f"parsing exceeded the memory limit of {memory_mb} MB")
    raise ParseError(value)


def reset() -> None:
    """Stop the worker; the next call forks a fresh one that sees the current state."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None


def _call_worker(func, args: tuple, timeout: float, memory_mb: int) -> tuple[str, Any]:
    global _worker
    if _worker is not None and (_worker.memory_mb != memory_mb or _worker.jobs >= MAX_JOBS
                                or not _worker.process.is_alive()):
        _worker.stop()
        _worker = None
    if _worker is None:
        _worker = _Worker(memory_mb)
    try:
        status, value = _worker.call(func, args, timeout)
    except (ParseError, pickle.PicklingError, AttributeError, TypeError):
        _worker.stop()  # timed out, died, or func cannot travel by reference
        _worker = None
        raise
    if status in ("memory", "unknown function"):
        _worker.stop()  # after a MemoryError the worker's heap is suspect
        _worker = None
    if status == "unknown function":  # defined after the worker was forked: fork a fresh one
        return _call_worker(func, args, timeout, memory_mb)
    return status, value


def _worker_main(conn, memory_mb: int) -> None:
    os.setpgid(0, 0)  # own process group: stopping it also ends tools it started (tesseract)
    gc.freeze()  # leave the inherited heap alone: a collection would copy every page of it
    _limit_memory(memory_mb)
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        except (AttributeError, ImportError, pickle.UnpicklingError):
            conn.send(("unknown function", ""))
            continue
        result = _run(func, args)
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("memory", ""))
        if result[0] == "memory":
            return


def _run(func, args: tuple) -> tuple[str, Any]:
    try:
        return "ok", func(*args)
    except ParseError as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:  # a parser bug must still come back as a per-file error
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return "error", f"the parser failed: {type(exc).__name__}: {exc} ({last.filename}:{last.lineno})"


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the forked worker already maps plus memory_mb:
    the parent's imports are inherited, so an absolute cap would be arbitrary."""
    budget = _mapped_bytes() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (budget, hard))


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _death_reason(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"the parser crashed ({name}); the file may have exceeded the memory limit of {memory_mb} MB"
    return f"the parser stopped without a result (exit code {exitcode})"
