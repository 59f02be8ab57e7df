"""The steps the CLI runs: import files into the store, extract, index."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Store
from corpus.duplicates import DuplicateLinks
from ingest import ParseError, SUPPORTED_SUFFIXES, read_path
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
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def source_of(path: Path) -> str:
    return str(path.resolve())


def import_paths(store: Store, paths: Iterable[str | Path], progress: Progress = no_progress) -> ImportReport:
    report = ImportReport()
    links = DuplicateLinks(store)
    files = list(iter_files(paths))
    for path in progress(files, len(files), "import"):
        try:
            _import_one(store, path, report, links)
        except (ParseError, OSError) as exc:
            report.failed.append((str(path), _reason(exc)))
    refresh_derived(store)
    return report


def refresh_derived(store: Store) -> None:
    """The replication table and model summaries follow the facts (rebuilt only when they changed)."""
    from corpus import derived

    derived.rebuild_if_stale(store)


def _import_one(store: Store, path: Path, report: ImportReport, links: DuplicateLinks) -> None:
    raw = path.read_bytes()
    source = source_of(path)
    if store.is_unchanged(source, content_hash(raw)):
        report.unchanged.append(str(path))
        return
    document = read_path(path)
    document.source = source
    existed = store.has_source(source)
    extraction = extract(document).as_dict()
    doc_id = store.save_document(document, raw, extraction)
    links.record(doc_id, document.text)
    report.document_ids.append(doc_id)
    (report.updated if existed else report.added).append(str(path))


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


def index_records(store: Store, ids: Iterable[int] | None = None) -> Iterator[dict]:
    rows = store.documents() if ids is None else (store.get_document(i) for i in ids)
    for row in rows:
        facts = store.facts(row["id"])
        yield {"document": row, "doc_refs": facts["doc_refs"], "models": facts["models"], "places": facts["places"]}


def build_index(store: Store, path: Path, progress: Progress = no_progress) -> int:
    """Rebuild the search index from the store, into a fresh folder swapped in at the end
    (while it is built, the app keeps serving the old index, or says the index is being built)."""
    import shutil

    from search_app.engine import BUILDING_SUFFIX, SearchEngine

    building = path.with_name(path.name + BUILDING_SUFFIX)
    engine = SearchEngine.create(building)
    try:
        count = engine.add(progress(index_records(store), store.count_documents(), "index"), fresh=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)  # or the app would say "being built" for ever
        raise
    finally:
        engine.close()
    if path.exists():
        shutil.rmtree(path)
    building.rename(path)
    return count


def update_index(store: Store, path: Path, ids: list[int]) -> bool:
    """Incremental update after an import; False when there is no index yet."""
    from search_app.engine import IndexMissing, SearchEngine

    try:
        engine = SearchEngine.open(path)
    except IndexMissing:
        return False
    engine.add(index_records(store, ids))
    return True


def sync_index(store: Store, path: Path, ids: list[int], progress: Progress = no_progress) -> str:
    """Keep the search index in step with the knowledge base after documents were added or changed:
    "updated", "built" when there was none (so `serve` works right after the first import),
    "busy" when another command is building it, "" when nothing had to change."""
    from search_app.engine import IndexBuilding, IndexMissing, SearchEngine

    try:
        engine = SearchEngine.open(path)
    except IndexBuilding:
        return "busy"
    except IndexMissing:
        build_index(store, path, progress)
        return "built"
    if not ids:
        return ""
    engine.add(progress(index_records(store, ids), len(ids), "index"))
    return "updated"
