"""Run a parser in a child process with a time and memory limit.

HTML, PDF and Word files are all parsed here (ingest/readers.py). A hanging or
bomb-like file must end as a ParseError for that file, never stop a batch or
exhaust the machine. Files are parsed by a worker process forked
from this one (so it has the parsers already imported) that limits its address
space with RLIMIT_AS and stays alive between files: forking per file costs
10-25 ms of copy-on-write faults, more than parsing a short PDF. The parent
waits on a pipe and kills the worker when time runs out, when it dies, after a
memory error, every MAX_JOBS files, and when the worker says its heap grew by more
than RETIRE_GROWTH_MB (a big file leaves a big heap behind); the next call forks
a fresh one. A fresh worker is slow for its first files (copy-on-write faults as
it touches the parent's pages), so small files share a worker for long.

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
MAX_JOBS = 1000  # a fresh worker now and then: its heap only grows
RETIRE_GROWTH_MB = 256  # or sooner, when its peak resident size grew this much


class _Worker:
    def __init__(self, memory_mb: int):
        context = multiprocessing.get_context("fork")
        self.memory_mb = memory_mb
        self.jobs = 0
        self.conn, child_conn = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child_conn, memory_mb), daemon=True)
        self.process.start()
        child_conn.close()

    def call(self, func: Callable[..., Any], args: tuple, timeout: float) -> tuple[str, Any, bool]:
        """(status, value, retire); raises ParseError on timeout or death, after stopping the worker."""
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
        status, value, retire = _worker.call(func, args, timeout)
    except (ParseError, pickle.PicklingError, AttributeError, TypeError):
        _worker.stop()  # timed out, died, or func cannot travel by reference
        _worker = None
        raise
    if status in ("memory", "unknown function") or retire:
        _worker.stop()  # after a MemoryError the worker's heap is suspect
        _worker = None
    if status == "unknown function":  # defined after the worker was forked: fork a fresh one
        return _call_worker(func, args, timeout, memory_mb)
    return status, value


def _worker_main(conn, memory_mb: int) -> None:
    os.setpgid(0, 0)  # own process group: stopping it also ends tools it started (tesseract)
    gc.freeze()  # leave the inherited heap alone: a collection would copy every page of it
    _limit_memory(memory_mb)
    started_rss = _peak_rss()
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        except (AttributeError, ImportError, pickle.UnpicklingError):
            conn.send(("unknown function", "", False))
            continue
        status, value = _run(func, args)
        retire = _peak_rss() - started_rss > RETIRE_GROWTH_MB * 1024 * 1024
        try:
            conn.send((status, value, retire))
        except MemoryError:
            conn.send(("memory", "", True))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a result that cannot travel
            conn.send(("error", f"the parser's result cannot be sent back: {type(exc).__name__}: {exc}", retire))
        if status == "memory":
            return


_budget: int | None = None  # in the worker: its address-space limit, in bytes
_allowance = 0  # in the worker: the part of it left for parsing (memory_mb)


def _run(func, args: tuple) -> tuple[str, Any]:
    rss_before = _peak_rss()
    try:
        return "ok", func(*args)
    except ParseError as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:  # a parser bug must still come back as a per-file error
        if _at_memory_limit(rss_before):  # native code out of memory says something else (lxml: XMLSyntaxError)
            return "memory", ""
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return "error", f"the parser failed: {type(exc).__name__}: {exc} ({last.filename}:{last.lineno})"


def _at_memory_limit(rss_before: int) -> bool:
    """Whether this file took the worker to its memory limit: its peak resident size grew during
    this file, and its peak address space came within a quarter of the parser's allowance (at
    least 16 MB: the allocation that failed was not mapped) of the limit. An error then is most
    likely an allocation that failed. Only growth during this file counts, so an earlier file's
    peak never colours this file's error."""
    if _budget is None or _peak_rss() <= rss_before:
        return False
    peak = _status_bytes("VmPeak:")
    return peak is not None and peak >= _budget - max(16 * 1024 * 1024, _allowance // 4)


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux counts in KiB


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the forked worker already maps plus memory_mb:
    the parent's imports are inherited, so an absolute cap would be arbitrary."""
    global _budget, _allowance
    budget = _mapped_bytes() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (budget, hard))
    _budget, _allowance = budget, memory_mb * 1024 * 1024


def _mapped_bytes() -> int:
    return _status_bytes("VmSize:") or 0


def _status_bytes(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _death_reason(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"the parser crashed ({name}); the file may have exceeded the memory limit of {memory_mb} MB"
    return f"the parser stopped without a result (exit code {exitcode})"
