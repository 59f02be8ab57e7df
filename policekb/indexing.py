"""Keeping the search index in step with the knowledge base.

The index records the version of every document it holds (when the document and its facts were
last written), so any command can bring it level with the store: add what it lacks, replace what is
stale, drop what is gone, whichever run stored them. Writers take one lock, which waits with a
timeout and a clear message. A rebuild writes a new generation beside the current one and swaps
a symbolic link, so a serving app never sees a missing index, then catches up with what was
stored while it ran."""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corpus import Store
from policekb.pipeline import no_progress

LOCK_TIMEOUT = float(os.environ.get("POLICEKB_INDEX_LOCK_TIMEOUT", "600"))
Progress = Callable[..., Iterable]


class IndexBusy(RuntimeError):
    """Another process has held the index writer lock for longer than we wait."""


@contextlib.contextmanager
def writer_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """One index writer at a time, across processes (an advisory lock on "<index>.lock")."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one writer at a time is then up to the user
            yield
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy(f"another policekb process has been writing the search index at {path} "
                                    f"for over {timeout:g} s; try again when it has finished") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_records(store: Store, ids: Iterable[int] | None = None) -> Iterator[dict]:
    rows = store.documents() if ids is None else (store.get_document(i) for i in ids)
    for row in rows:
        facts = store.facts(row["id"])
        yield {"document": row, "doc_refs": facts["doc_refs"], "models": facts["models"], "places": facts["places"]}


def rebuild(store: Store, path: Path, progress: Progress = no_progress) -> int:
    """A new index generation from the whole store, swapped in at once; then level with the store."""
    from search_engine.engine import SearchEngine

    with writer_lock(path):
        generation = path.with_name(f"{path.name}.{time.strftime('%Y%m%d%H%M%S')}.{os.getpid()}")
        engine = SearchEngine.create(generation)
        try:
            total = store.count_documents()
            count = engine.add(progress(index_records(store), total, "index"), fresh=True, total=total)
        except BaseException:
            engine.close()
            shutil.rmtree(generation, ignore_errors=True)
            raise
        engine.close()
        _prepare_for_readers(generation)
        _swap(path, generation)
        _catch_up(store, path)
    return count


def _prepare_for_readers(path: Path) -> None:
    """Save the index's per-document arrays now (search_engine/doc_table_file.py), so the first search
    of every serving process opens the new generation in milliseconds instead of seconds."""
    from search_engine.engine import SearchEngine

    engine = SearchEngine.open(path)
    engine.table
    engine.retire()


def _swap(path: Path, generation: Path) -> None:
    """Point <index> at the new generation in one rename; keep the previous generation (a serving
    process may still read it) and delete the older ones."""
    previous = path.resolve() if path.is_symlink() else None
    if path.exists() and not path.is_symlink():  # an index folder from before generations
        legacy = path.with_name(f"{path.name}.legacy-{os.getpid()}")
        path.rename(legacy)
        previous = legacy
    link = path.with_name(f".{path.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(generation.name, link)
    os.replace(link, path)
    keep = {generation.resolve(), previous.resolve() if previous else None}
    for old in path.parent.glob(f"{path.name}.*"):
        if old.is_dir() and old.resolve() not in keep and not old.name.endswith((".lock", ".building")):
            shutil.rmtree(old, ignore_errors=True)


def sync(store: Store, path: Path, progress: Progress = no_progress) -> str:
    """Bring the index level with the store: "built" when there was none (or it was of another
    format), "updated" when documents were added, replaced or dropped, "" when it already was."""
    from search_engine.engine import IndexMissing, SearchEngine

    try:
        SearchEngine.open(path)
    except IndexMissing:
        rebuild(store, path, progress)
        return "built"
    with writer_lock(path):
        changed = _catch_up(store, path, progress)
        if changed:
            _prepare_for_readers(path)
    return "updated" if changed else ""


def _catch_up(store: Store, path: Path, progress: Progress = no_progress) -> int:
    from search_engine.engine import SearchEngine

    engine = SearchEngine.open(path)
    missing, stale, extra = differences(store, engine)
    todo = missing + stale
    if todo:
        engine.add(progress(index_records(store, todo), len(todo), "index"))
    if extra:
        engine.delete(extra)
    return len(todo) + len(extra)


def differences(store: Store, engine) -> tuple[list[int], list[int], list[int]]:
    """(documents the index lacks, documents it holds in an older version, documents it holds that
    the store no longer has)."""
    indexed = engine.versions()
    current = store.document_versions()
    missing = sorted(i for i in current if i not in indexed)
    stale = sorted(i for i, v in current.items() if i in indexed and indexed[i] != v)
    extra = sorted(i for i in indexed if i not in current)
    return missing, stale, extra


def follow(database, path: Path, every: float, stop) -> None:
    """Keep a web node's own index in step with a shared knowledge base that other machines write:
    every `every` seconds, sync (a missing index is built). Runs until stop.is_set(); a failed
    round (the database unreachable, another writer holding the lock) is reported and retried."""
    import sys

    while not stop.wait(every):
        try:
            with Store(database, readonly=True) as store:
                state = _sync_quietly(store, path)
            if state:
                print(f"policekb: search index {state} from {_label(database)}", file=sys.stderr, flush=True)
        except Exception as exc:  # noqa: BLE001 - a web node keeps serving what it has
            print(f"policekb: could not bring the search index in step: {exc}", file=sys.stderr, flush=True)


def _sync_quietly(store: Store, path: Path) -> str:
    try:
        return sync(store, path)
    except IndexBusy:
        return ""  # an import or crawl on this node is writing it: it syncs too


def _label(database) -> str:
    from corpus.backend import label

    return label(database)
