"""The search engine behind a small interface, so views never touch Whoosh.

SearchEngine.create(path) / SearchEngine.open(path) -> add(records) / delete(ids) /
search(query, filters, page, sort, groups) / matching_ids(query, filters) / suggest(word) /
suggest_query(query).
Whoosh stores the index on disk; matching, BM25 scoring and facet counts are
array operations over its postings (search_engine.postings, search_engine.scoring).
"""
from __future__ import annotations

import os
import shutil
import threading
from collections import OrderedDict
from functools import lru_cache
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from whoosh import index
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.writing import NO_MERGE

from search_engine import scoring, term_tables
from search_engine.index_schema import record_fields, schema, stored_text
from search_engine.numbers import number_terms
from search_engine.parallel_index import batches, build_parallel, segment_writer, worker_count
from search_engine.postings import DocTable, load_doc_table
from search_engine.query import parse
from search_engine.snippets import snippet
from search_engine.suggest import suggest_query, suggest_word

FACETS = ("kind", "year", "province", "issuer", "model")
FILTERS = (*FACETS, "district")
PAGE_SIZE = 10
# Search result pages kept per index generation (0: none, as the benchmarks measure every query).
RESULT_CACHE_SIZE = int(os.environ.get("POLICEKB_RESULT_CACHE", "256"))
BUILDING_SUFFIX = ".building"
POSTINGS_CACHE_MB = float(os.environ.get("POLICEKB_POSTINGS_CACHE_MB", "64"))
BATCH_SIZE = 4000   # documents per segment
WRITER_MB = 1024    # memory a batch may use before Whoosh spills to disk
# Segments are written as plain files, not compound ones: Whoosh copies every file of a
# compound segment into memory when it opens it (BytesIO over the mmap), so serving
# would hold the whole index in RAM.


# The layout of the index this code writes and reads (terms, fields, Whoosh's block format).
# Bump it when number terms or fields change: an older index is refused, not misread.
INDEX_FORMAT = 5  # 3: document versions; 4: accented terms split where folded ones are ("mới.trước" was one);
#                   5: the engine moved to the search_engine package (the schema Whoosh pickles names its module)
FORMAT_FILE = "policekb-format.json"


class IndexMissing(RuntimeError):
    building = False


class IndexBuilding(IndexMissing):
    building = True


class IndexOutdated(IndexMissing):
    """An index written by another format version (or another Whoosh): rebuild it."""


@lru_cache(maxsize=1)
def _format_stamp() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        whoosh = version("whoosh-reloaded")
    except PackageNotFoundError:
        whoosh = "unknown"
    return {"format": INDEX_FORMAT, "whoosh": whoosh}


def _check_format(path: Path) -> None:
    import json

    try:
        found = json.loads((path / FORMAT_FILE).read_text())
    except (OSError, ValueError):
        found = None
    if found != _format_stamp():
        raise IndexOutdated(f"the search index at {path} was written by another version "
                            f"({found or 'unknown'}, this one reads {_format_stamp()}): run `policekb index`")


@dataclass
class Hit:
    id: int
    title: str
    kind: str
    published: str | None
    source: str
    numbers: list[str]
    snippet: str
    score: float = 0.0
    copies: list[int] = field(default_factory=list)  # the same text stored again (.html twin, reposts)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


def _hold_stored_fields(reader) -> None:
    """Open each segment's stored-fields file now, not at its first hit: a writer that merges
    segments deletes their files, and Whoosh answers a file gone before it was opened with None
    instead of an error. An open file outlives its deletion; one already gone is an OSError, and the
    read is retried on the index as it now is."""
    for leaf, _ in reader.leaf_readers():
        if leaf.doc_count_all() and leaf._perdoc._cached_reader("_stored", STORED_COLUMN) is None:
            raise FileNotFoundError(f"segment {leaf.segment().segment_id()} was merged away")


MIN_PARALLEL_BATCH = 500  # fewer documents than this are not worth a worker process


def balanced_batch_size(total: int | None, procs: int, limit: int | None = None) -> int:
    """At most `limit` documents a batch, in a number of batches that is a multiple of the processes:
    5 batches for 2 processes would leave one process writing the last alone while the other waits."""
    limit = limit or BATCH_SIZE
    if not total or procs <= 1:
        return limit
    rounds = -(-total // (procs * limit))
    return max(min(limit, MIN_PARALLEL_BATCH), -(-total // (procs * rounds)))


_OPEN: dict[str, tuple[tuple, "SearchEngine"]] = {}
_OPEN_LOCK = threading.Lock()


class SearchEngine:
    def __init__(self, ix):
        self.ix = ix
        self._searcher = None
        self._table: DocTable | None = None
        self._lock = threading.Lock()
        self._read_lock = threading.RLock()  # Whoosh readers are not meant for concurrent use
        # Pages of this index generation already answered: the same search asked again (a popular
        # query, the next visitor) costs a dictionary lookup. Dropped with the generation.
        self._results: OrderedDict = OrderedDict()

    # --- lifecycle ----------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path) -> "SearchEngine":
        import json

        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        (path / FORMAT_FILE).write_text(json.dumps(_format_stamp()))
        return cls(index.create_in(str(path), schema()))

    @classmethod
    def open(cls, path: str | Path) -> "SearchEngine":
        """The engine of an index folder, shared by the requests of a process until the index changes."""
        path = Path(path)
        stamp = _stamp(path)
        with _OPEN_LOCK:
            cached = _OPEN.get(str(path))
            if cached and cached[0] == stamp:
                return cached[1]
            if not stamp or not index.exists_in(str(path)):
                building = path.with_name(path.name + BUILDING_SUFFIX).exists()
                raise (IndexBuilding if building else IndexMissing)(f"no search index at {path}")
            _check_format(path)  # once per index generation, not on every request
            engine = cls(index.open_dir(str(path)))
            _OPEN[str(path)] = (stamp, engine)
        if cached:
            cached[1].retire()
        return engine

    def retire(self) -> None:
        """Close the files of a replaced index once no search is using them (a request still
        holding this engine reopens whatever index is now at its path)."""
        with self._read_lock, self._lock:
            self._results.clear()
            if self._searcher is not None:
                self._searcher.close()
                self._searcher, self._table = None, None

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.ix.close()

    def searcher(self):
        with self._lock:
            if self._searcher is None:
                searcher = self.ix.searcher()
                try:
                    _hold_stored_fields(searcher.reader())
                except OSError:
                    searcher.close()
                    raise
                self._searcher = searcher
                self._table = load_doc_table(self._searcher.reader(), cache_mb=POSTINGS_CACHE_MB,
                                             folder=self.ix.storage.folder)
            return self._searcher

    @property
    def table(self) -> DocTable:
        self.searcher()
        return self._table

    # --- writing ------------------------------------------------------------
    def add(self, records, fresh: bool = False, total: int | None = None) -> int:
        """Add or replace documents: each record has the document row, its refs, models and places.

        Documents are written in batches, one segment each (of at most BATCH_SIZE documents,
        so a segment's postings are grouped in memory). fresh: the index holds none of these
        documents yet, and batches are written by a process per core; total, the number of
        records when known, evens the batches out over the processes."""
        self._results.clear()
        procs = worker_count() if fresh else 1
        chunks = batches(records, balanced_batch_size(total, procs))
        first, second = next(chunks, []), next(chunks, None)
        if fresh and second is not None and procs > 1:
            return build_parallel(self.ix, self.ix.storage.folder, chain([first, second], chunks), WRITER_MB, procs)
        count = 0
        for batch in chain([first], [second] if second else [], chunks):
            count += self._write([record_fields(r) for r in batch], fresh)
        return count

    def _write(self, batch: list[dict], fresh: bool) -> int:
        writer = segment_writer(self.ix, limitmb=WRITER_MB)
        try:
            for fields_ in batch:
                (writer.add_document if fresh else writer.update_document)(**fields_)
        except BaseException:
            writer.cancel()
            raise
        # A fresh build keeps its batches as segments; updates let Whoosh merge small segments.
        writer.commit(mergetype=NO_MERGE if fresh else None)
        if not fresh:
            self._prune_term_tables()
        return len(batch)

    def _prune_term_tables(self) -> None:
        segments = {segment.segment_id() for segment in self.ix._segments()}
        term_tables.prune(self.ix.storage.folder, segments)

    def versions(self) -> dict[int, str]:
        """The version of every document the index holds, by store id."""
        reader = self.ix.reader()
        try:
            if reader.doc_count_all() == 0:
                return {}
            ids = list(reader.column_reader("id"))
            versions = list(reader.column_reader("version"))
            return {int(ids[d]): versions[d] for d in reader.all_doc_ids() if ids[d]}
        finally:
            reader.close()

    def delete(self, ids: list[int]) -> None:
        self._results.clear()
        writer = segment_writer(self.ix)  # segments it merges get term tables too
        try:
            for doc_id in ids:
                writer.delete_by_term("id", str(doc_id))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._prune_term_tables()

    # --- reading ------------------------------------------------------------
    def search(self, text: str, filters: dict | None = None, page: int = 1, sort: str = "relevance",
               groups: dict[str, dict[str, str]] | None = None, facets: bool = True,
               copies: dict[int, int] | None = None) -> SearchResult:
        """One page of hits, the total and (unless facets=False) the facet counts of everything matched.

        groups maps a facet's values to group names (model spellings to one model):
        facets then count groups, and a filter on a group selects all its values.
        copies maps a document id to its copy cluster: copies are one hit (the best of them),
        counted once in the total and the facets."""
        key = (text, tuple(sorted((filters or {}).items())), page, sort, facets)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None and cached[0] is groups and cached[1] is copies:
                self._results.move_to_end(key)
                return cached[2]
        query = parse(text)
        result = self._retrying(lambda: self._search(self.searcher(), query, filters, page, sort, groups, facets,
                                                     copies))
        if RESULT_CACHE_SIZE <= 0:
            return result
        with self._lock:
            # groups and copies are kept with the result: they change (new objects) with the knowledge base
            self._results[key] = (groups, copies, result)
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return result

    def _retrying(self, read):
        """Run a read; if a writer merged away a segment file under this reader, reopen the index as
        it now is and read once more."""
        try:
            with self._read_lock:
                return read()
        except OSError:
            self._reopen()
            with self._read_lock:
                return read()

    def _reopen(self) -> None:
        with self._read_lock, self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._table = None, None
            self._results.clear()
            self.ix = index.open_dir(self.ix.storage.folder)

    def _search(self, searcher, query, filters, page, sort, groups, facets, copies) -> SearchResult:
        mask, scores = scoring.match(searcher.reader(), self._table, query)
        mask &= scoring.filter_mask(self._table, filters or {}, groups or {})
        clusters = self._clusters(searcher, copies) if copies else None
        if clusters is not None:
            mask = scoring.one_per_cluster(mask, scores, clusters)
        total = int(mask.sum())
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        order = scoring.ranked(mask, scores, self._table.dates, sort, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        hits = [self._hit(searcher, int(doc), float(scores[doc]), query) for doc in order]
        if copies:
            members = self._members(copies)
            for hit in hits:
                hit.copies = [i for i in members.get(copies.get(hit.id, hit.id), ()) if i != hit.id]
        counts = scoring.facet_counts(self._table, mask, FACETS, groups or {}) if facets else {}
        return SearchResult(total, hits, counts, page, pages)

    def _members(self, copies: dict[int, int]) -> dict[int, list[int]]:
        """Copy cluster -> its documents, built once per copies map (not on every search)."""
        cached = getattr(self, "_members_cache", None)
        if cached is not None and cached[0] is copies:
            return cached[1]
        members: dict[int, list[int]] = {}
        for doc_id, cluster in sorted(copies.items()):
            members.setdefault(cluster, []).append(doc_id)
        self._members_cache = (copies, members)
        return members

    def _clusters(self, searcher, copies: dict[int, int]):
        """Each document number's copy cluster (its own store id when it has no copy)."""
        cached = getattr(self, "_cluster_cache", None)
        if cached is not None and cached[0] is copies and cached[1] is self._table:
            return cached[2]
        import numpy as np

        ids = self._table.document_ids(searcher)
        clusters = np.array([copies.get(int(i), int(i)) for i in ids], np.int64)
        self._cluster_cache = (copies, self._table, clusters)
        return clusters

    def matching_ids(self, text: str, filters: dict | None = None,
                     groups: dict[str, dict[str, str]] | None = None,
                     copies: dict[int, int] | None = None) -> list[int]:
        def read():
            searcher = self.searcher()
            mask, scores = scoring.match(searcher.reader(), self._table, parse(text))
            mask &= scoring.filter_mask(self._table, filters or {}, groups or {})
            if copies:
                mask = scoring.one_per_cluster(mask, scores, self._clusters(searcher, copies))
            return sorted(int(i) for i in self._table.document_ids(searcher)[mask])

        return self._retrying(read)

    def _hit(self, searcher, docnum: int, score: float, query) -> Hit:
        stored = searcher.stored_fields(docnum)
        numbers = list(stored.get("numbers") or [])
        wanted = query.number_terms
        marked = [n for n in numbers if number_terms(n) & wanted]
        return Hit(int(stored["id"]), stored.get("title") or "", stored.get("kind", ""), stored.get("published") or None,
                   stored.get("source", ""), numbers, snippet(stored_text(stored), query.highlight_words(), marked),
                   round(score, 4))

    def closest_numbers(self, text: str, limit: int = 6) -> list[str]:
        """Document numbers in the index nearest to the numbers of a query that found nothing:
        the same serial first, then the most similar symbols."""
        from rapidfuzz import fuzz, process

        query = parse(text)
        if not query.numbers:
            return []
        with self._read_lock:
            symbols = self._symbols()
        found: list[str] = []
        for number in query.numbers:
            label = number.label.upper()
            serial = next((t[1:] for t in number.terms + number.nearby if t.startswith("#")), None) or \
                (label.split("/")[0].split("-")[0].lstrip("0") if label[:1].isdigit() else None)
            same = [s for s in symbols if serial and s.split("/")[0].split("-")[0].lstrip("0") == serial]
            close = [m[0] for m in process.extract(label, symbols, scorer=fuzz.ratio, limit=limit, score_cutoff=50)]
            found += [s for s in same + close if s not in found]
        return found[:limit]

    def _symbols(self) -> list[str]:
        """The whole document numbers the index knows (read once per index generation)."""
        cached = getattr(self, "_symbol_cache", None)
        if cached is not None and cached[0] is self.table:
            return cached[1]
        reader = self.searcher().reader()
        terms = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("number_terms")]
        symbols = sorted(t for t in terms if t[:1].isdigit() and "|" not in t and not t.startswith("#")
                         and any(c.isalpha() for c in t))
        self._symbol_cache = (self.table, symbols)
        return symbols

    def suggest(self, word: str) -> list[str]:
        """Index words close to a word not in the index (accented input gets accented words)."""
        with self._read_lock:
            return suggest_word(self.searcher(), word)

    def suggest_query(self, text: str, zero_hits: bool = False) -> str | None:
        """The query with its unknown words corrected ("did you mean"), or None; when the
        query found nothing, known words that fit their neighbours badly are corrected too."""
        with self._read_lock:
            return suggest_query(self.searcher(), text, zero_hits)


def _stamp(path: Path) -> tuple:
    """Changes when the index is rebuilt (new folder), updated (new TOC generation) or its format
    file is rewritten."""
    try:
        names = os.listdir(path)
        tocs = sorted(name for name in names if name.startswith("_MAIN_") and name.endswith(".toc"))
        if not tocs:
            return ()
        stamp = (path / FORMAT_FILE).stat() if FORMAT_FILE in names else None
        return path.stat().st_ino, tuple(tocs), stamp and (stamp.st_mtime_ns, stamp.st_size)
    except OSError:  # no folder (yet): no index
        return ()
