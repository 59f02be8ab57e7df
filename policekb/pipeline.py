"""The steps the CLI runs: import files into the store, extract, index."""
from __future__ import annotations

import os
import socket

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Store
from corpus.duplicates import DuplicateLinks
from ingest import ParseError, SUPPORTED_SUFFIXES, read_path
from ingest.readers import read_file
from ingest.document import content_hash
from nlp import extract
from policekb.runners import Done, Job, LocalRunner


# progress(items, total, description) -> the same items, shown as they are consumed (a bar on a terminal)
Progress = Callable[[Iterable, "int | None", str], Iterable]


def no_progress(items: Iterable, total: int | None = None, desc: str = "") -> Iterable:
    return items


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the supported files inside folders named (sorted, recursive)."""
    for path in map(Path, paths):
        if path.is_dir():
            # not only regular files: a FIFO or a device named like a document is reported, not skipped
            yield from sorted(p for p in path.rglob("*") if not p.is_dir() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def source_of(path: Path) -> str:
    return shown(path.resolve())


def shown(path: Path) -> str:
    """A path as text, losslessly: bytes of a file name that are not UTF-8 are written as \\xNN."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


# Parsed documents are written in batches, each in one transaction (corpus.duplicates.DuplicateLinks.save_all):
# a database page that several documents write (an index's, the near-duplicate tables') is written
# once per batch, not once per document. The write lock is held only while a batch is written.
BATCH_DOCUMENTS = 32


def import_paths(store: Store, paths: Iterable[str | Path], progress: Progress = no_progress,
                 runner: LocalRunner | None = None) -> ImportReport:
    """Files into the store. Parsing and extraction run on `runner` (this process by default, or Dask
    workers); results are saved here, in file order, so any runner stores the same."""
    report = ImportReport()
    links = DuplicateLinks(store)
    files = list(iter_files(paths))
    jobs = (_import_job(store, path) for path in files)
    outcomes = (runner or LocalRunner()).map(parse_and_extract, jobs)
    parsed: list[tuple[Path, Job, tuple]] = []
    try:
        for path, (job, outcome) in progress(zip(files, outcomes), len(files), "import"):
            kind, value = outcome
            if kind == "unchanged":
                report.unchanged.append(shown(path))
            elif kind == "error":
                report.failed.append((shown(path), value))
            else:
                parsed.append((path, job, value))
                if len(parsed) >= BATCH_DOCUMENTS:
                    batch, parsed = parsed, []
                    _save(batch, report, links)
    finally:  # interrupted (Ctrl-C, a worker lost): what was parsed before is stored all the same
        batch, parsed = parsed, []
        _save(batch, report, links)
    refresh_derived(store)
    return report


def _import_job(store: Store, path: Path) -> Job | Done:
    """The file's bytes to parse, or the outcome already known: unchanged, or unreadable."""
    try:
        raw = read_file(path)  # regular files only, size checked before reading: a FIFO never hangs import
    except (ParseError, OSError) as exc:
        return Done(("error", _reason(exc)))
    source = source_of(path)
    if store.is_unchanged(source, content_hash(raw)):
        return Done(("unchanged", None))
    return Job((str(path), raw, source))


def parse_and_extract(path: str, raw: bytes, source: str) -> tuple[str, object]:
    """Parse one file's bytes and extract its facts (on a worker, or here): ("parsed", (document,
    extraction)) or ("error", reason)."""
    try:
        document = read_path(Path(path), raw)
    except (ParseError, OSError) as exc:
        return "error", _reason(exc)
    document.source = source
    return "parsed", (document, extract(document).as_dict())


def _save(batch: list[tuple[Path, Job, tuple]], report: ImportReport, links: DuplicateLinks) -> None:
    """Parsed documents, their facts and near-duplicate links, in one transaction."""
    if not batch:
        return
    saved = links.save_all([(document, job.args[1], extraction) for _, job, (document, extraction) in batch])
    for (path, _, _), (doc_id, existed) in zip(batch, saved):
        report.document_ids.append(doc_id)
        (report.updated if existed else report.added).append(shown(path))


def refresh_derived(store: Store) -> None:
    """The replication table and model summaries follow the facts (rebuilt only when they changed)."""
    from corpus import derived

    derived.rebuild_if_stale(store)


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc)


def reextract(store: Store, progress: Progress = no_progress, runner: LocalRunner | None = None,
              batch: int = 200) -> int:
    """Run the current extractor over every stored document, replacing its facts (on `runner`).

    Every document is queued as a job; jobs are claimed in batches (on PostgreSQL with FOR UPDATE
    SKIP LOCKED), so several reextract processes against one database share the work, and a
    process that dies leaves its jobs to be claimed again when their lease ends."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    total = store.queue_extraction()
    count = 0
    for job, (kind, value) in progress(_claimed(store, runner or LocalRunner(), worker, batch), total, "reextract"):
        if kind == "extracted":
            store.replace_facts(job.args[0], value)
            count += 1
    refresh_derived(store)
    return count


def _claimed(store: Store, runner: LocalRunner, worker: str, batch: int):
    """(job, result) of every job this worker claims, batch by batch (claimed in the caller's thread:
    one store connection is never used by two threads)."""
    while rows := store.claim_extraction_jobs(batch, worker):
        jobs = [Job((r["id"], r["source"], r["text"], r["media_type"], r["content_hash"])) for r in rows]
        yield from runner.map(extract_stored, jobs)


def extract_stored(doc_id: int, source: str, text: str, media_type: str, content_hash: str) -> tuple[str, object]:
    """The facts of a stored document's text (on a worker, or here)."""
    from ingest.document import Document

    document = Document(source=source, text=text, media_type=media_type, content_hash=content_hash,
                        title=None, published=None)
    try:
        return "extracted", extract(document).as_dict()
    except Exception as exc:  # noqa: BLE001 - a rule failing on one text must not stop the others
        return "error", f"{type(exc).__name__}: {exc}"


def extract_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, dict | None, str | None]]:
    """(path, extraction, error) for each file, touching no database."""
    for path in iter_files(paths):
        try:
            document = read_path(path)
        except (ParseError, OSError) as exc:
            yield path, None, _reason(exc)
            continue
        result = extract(document).as_dict()
        yield path, result, None


def build_index(store: Store, path: Path, progress: Progress = no_progress) -> int:
    """Rebuild the search index from the store (a new generation swapped in at once; the app keeps
    serving the previous one meanwhile), then add what was stored while it ran."""
    from policekb.indexing import rebuild

    return rebuild(store, path, progress)


def update_index(store: Store, path: Path, ids: list[int] | None = None) -> bool:
    """Bring an existing index level with the store; False when there is no index yet."""
    from policekb.indexing import sync
    from search_engine.engine import IndexMissing, SearchEngine

    try:
        SearchEngine.open(path)
    except IndexMissing:
        return False
    sync(store, path)
    return True


def sync_index(store: Store, path: Path, ids: list[int] | None = None, progress: Progress = no_progress) -> str:
    """Keep the search index in step with the knowledge base: every document it lacks or holds in an
    older version, whichever run stored it. "built" when there was none (so `serve` works right after
    the first import), "updated" when documents changed, "" when nothing had to change."""
    from policekb.indexing import sync

    return sync(store, path, progress)