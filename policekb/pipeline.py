"""The steps the CLI runs: import files into the store, extract, index."""
from __future__ import annotations

import os

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Store
from corpus.duplicates import DuplicateLinks
from ingest import ParseError, SUPPORTED_SUFFIXES, read_path
from ingest.readers import read_file
from ingest.document import content_hash
from nlp import extract


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


def import_paths(store: Store, paths: Iterable[str | Path], progress: Progress = no_progress) -> ImportReport:
    report = ImportReport()
    links = DuplicateLinks(store)
    files = list(iter_files(paths))
    for path in progress(files, len(files), "import"):
        try:
            _import_one(store, path, report, links)
        except (ParseError, OSError) as exc:
            report.failed.append((shown(path), _reason(exc)))
    refresh_derived(store)
    return report


def refresh_derived(store: Store) -> None:
    """The replication table and model summaries follow the facts (rebuilt only when they changed)."""
    from corpus import derived

    derived.rebuild_if_stale(store)


def _import_one(store: Store, path: Path, report: ImportReport, links: DuplicateLinks) -> None:
    raw = read_file(path)  # regular files only, size checked before reading: a FIFO never hangs import
    source = source_of(path)
    if store.is_unchanged(source, content_hash(raw)):
        report.unchanged.append(shown(path))
        return
    document = read_path(path, raw)
    document.source = source
    existed = store.has_source(source)
    extraction = extract(document).as_dict()
    doc_id = store.save_document(document, raw, extraction)
    links.record(doc_id, document.text)
    report.document_ids.append(doc_id)
    (report.updated if existed else report.added).append(shown(path))


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc)


def reextract(store: Store, progress: Progress = no_progress) -> int:
    """Run the current extractor over every stored document, replacing its facts."""
    from ingest.document import Document

    count = 0
    for row in progress(list(store.documents()), store.count_documents(), "reextract"):
        document = Document(source=row["source"], text=row["text"], media_type=row["media_type"],
                            content_hash=row["content_hash"], title=None, published=None)
        store.replace_facts(row["id"], extract(document).as_dict())
        count += 1
    refresh_derived(store)
    return count


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
    from search_app.engine import IndexMissing, SearchEngine

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