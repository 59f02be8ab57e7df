"""Where the heavy work of a stage runs: in this process, or on a Dask cluster.

A stage (import, reparse, reextract) hands a runner a function and a stream of jobs;
the runner gives back each job's result in the order of the jobs, so the stage writes
through the store API exactly as a single process would (same document ids, same
near-duplicate links). On Dask, parsing (OCR included) and extraction run on the
workers; only a window of jobs is in flight, so a million files never sit in memory.

Results are values, never exceptions: a function run here returns ("error", reason)
for a file that failed, and a worker that crashed fails that job alone.
"""
from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    """Work for the runner: call fn(*args)."""

    args: tuple


@dataclass(frozen=True)
class Done:
    """A result known without running anything (an unchanged file, a file that could not be read)."""

    value: Any


class LocalRunner:
    description = "this process"

    def map(self, fn: Callable, items: Iterable[Job | Done]) -> Iterator[tuple[Job | Done, Any]]:
        """(item, its result) for every item, in order."""
        for item in items:
            if isinstance(item, Done):
                yield item, item.value
            else:
                result = fn(*item.args)
                freeze_what_is_loaded()
                yield item, result

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_frozen = False


def freeze_what_is_loaded() -> None:
    """Once the first job has loaded what every job uses (the extractor's lexicons and gazetteer,
    underthesea's model), the garbage collector is told to leave it alone: otherwise each full
    collection walks those objects again, a tenth of an import's time."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


class DaskRunner(LocalRunner):
    """Jobs on a Dask cluster: a LocalCluster of `workers` processes, or the scheduler at `address`."""

    WINDOW_PER_WORKER = 2  # chunks in flight per worker
    CHUNK_JOBS = 16        # jobs per task at most...
    CHUNK_BYTES = 256_000  # ...and a chunk closes once its inputs reach this size (a scan travels alone)

    def __init__(self, workers: int | None = None, address: str | None = None):
        import dask
        from distributed import Client, LocalCluster

        # The parsers fork a limited child per file (ingest/sandbox.py); daemonic workers may not.
        dask.config.set({"distributed.worker.daemon": False})
        logging.getLogger("distributed").setLevel(logging.WARNING)  # no INFO lines between progress bars
        self.cluster = None
        if address:
            self.client = Client(address, timeout=15)
        else:
            self.cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                        dashboard_address=":0", silence_logs=40)
            self.client = Client(self.cluster)
        self.window = max(1, self._worker_count()) * self.WINDOW_PER_WORKER

    @property
    def description(self) -> str:
        return f"Dask, {self._worker_count()} workers, dashboard {self.dashboard}"

    @property
    def dashboard(self) -> str:
        return self.client.dashboard_link or "(none)"

    def _worker_count(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def map(self, fn: Callable, items: Iterable[Job | Done]) -> Iterator[tuple[Job | Done, Any]]:
        """Jobs go to the workers in small chunks (a task per text costs more in scheduling than
        extracting it takes); a chunk whose worker died is run again job by job, so only the job
        that kills a worker fails."""
        pending: deque = deque()
        for chunk in _chunks(items, self.CHUNK_JOBS, self.CHUNK_BYTES):
            pending.append((fn, chunk, self._submit(fn, chunk)))
            while len(pending) > self.window:
                yield from self._results(*pending.popleft())
        while pending:
            yield from self._results(*pending.popleft())

    def _submit(self, fn: Callable, chunk: list):
        jobs = [item.args for item in chunk if isinstance(item, Job)]
        return self.client.submit(_run_all, fn, jobs, pure=False) if jobs else None

    def _results(self, fn: Callable, chunk: list, future) -> Iterator[tuple[Job | Done, Any]]:
        try:
            values = iter(future.result() if future is not None else [])
        except Exception as exc:  # the worker died (memory, a crash)
            if sum(isinstance(item, Job) for item in chunk) > 1:
                for item in chunk:
                    yield from self._results(fn, [item], self._submit(fn, [item]))
                return
            values = iter([("error", f"the worker failed: {type(exc).__name__}: {exc}")])
        for item in chunk:
            yield item, item.value if isinstance(item, Done) else next(values)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _run_all(fn: Callable, jobs: list[tuple]) -> list:
    """On a worker: one chunk of jobs."""
    return [fn(*args) for args in jobs]


def _chunks(items: Iterable[Job | Done], most: int, size: int) -> Iterator[list]:
    chunk, used = [], 0
    for item in items:
        chunk.append(item)
        if isinstance(item, Job):
            used += sum(len(a) for a in item.args if isinstance(a, (bytes, str)))
        if len(chunk) >= most or used >= size:
            yield chunk
            chunk, used = [], 0
    if chunk:
        yield chunk


def runner_for(workers: int | None = None, scheduler: str | None = None) -> LocalRunner:
    """The runner a command's --workers / --scheduler options ask for."""
    if scheduler or (workers and workers > 0):
        return DaskRunner(workers, scheduler)
    return LocalRunner()
