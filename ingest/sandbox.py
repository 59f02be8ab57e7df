"""Run a parser in a forked child with a time and memory limit.

A hanging or bomb-like file must end as a ParseError for that file, never stop
a batch or exhaust the machine. The child is forked (cheap, ~4 ms, and it sees
the parent's modules and monkeypatches) and limits its address space with
RLIMIT_AS; the parent waits on a pipe and kills the child when time runs out."""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Callable
from typing import Any

from ingest.document import ParseError

TIMEOUT_SECONDS = float(os.environ.get("POLICEKB_PARSE_TIMEOUT", "300"))
MEMORY_MB = int(os.environ.get("POLICEKB_PARSE_MEMORY_MB", "2048"))


def run_limited(func: Callable[..., Any], *args: Any, timeout: float | None = None,
                memory_mb: int | None = None) -> Any:
    """func(*args) in a child process; its return value, or ParseError when the child
    raises ParseError, runs out of time or memory, or dies."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory_mb = MEMORY_MB if memory_mb is None else memory_mb
    if "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)  # no fork (Windows): parse in-process, without limits
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, func, args, memory_mb), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ParseError(f"parsing timed out after {timeout:g} s")
        status, value = receiver.recv()
    except EOFError:
        child.join(5)
        raise ParseError(_death_reason(child.exitcode, memory_mb)) from None
    finally:
        receiver.close()
        _stop(child)
    if status == "ok":
        return value
    if status == "memory":
        raise ParseError(f"parsing exceeded the memory limit of {memory_mb} MB")
    raise ParseError(value)


def _child_main(sender, func, args, memory_mb: int) -> None:
    try:
        os.setpgid(0, 0)  # own process group: a timeout also ends tools it started (tesseract)
        _limit_memory(memory_mb)
        result = ("ok", func(*args))
    except ParseError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("memory", "")
    except Exception as exc:  # a parser bug must still come back as a per-file error
        last = traceback.extract_tb(exc.__traceback__)[-1]
        result = ("error", f"the parser failed: {type(exc).__name__}: {exc} ({last.filename}:{last.lineno})")
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", ""))
    finally:
        sender.close()


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the forked child already maps plus memory_mb:
    the parent's imports are inherited, so an absolute cap would be arbitrary."""
    budget = _mapped_bytes() + memory_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
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


def _stop(child) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        if child.is_alive():
            child.kill()
    child.join(5)
