"""Bulk reads of a Whoosh index into numpy arrays.

Whoosh matchers walk postings one at a time in Python; a query matching most
of 100,000 documents then takes seconds, and its grouped facets more. Here a
term's postings are read block by block into arrays, and the per-document
values used for filters, facets and sorting are loaded once per index
generation, so matching, scoring and facet counting are array operations.
"""
from __future__ import annotations

import threading
from pathlib import Path
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from whoosh.reading import TermNotFound

from search_engine.index_schema import MULTI_FACETS, SINGLE_FACETS
from search_engine.term_tables import TermIndex

EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def term_postings(reader, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, term frequencies) of a term, deleted documents included."""
    ids, weights = [], []
    for segment, offset in reader.leaf_readers():
        seg_ids, seg_weights = segment_postings(segment, fieldname, term)
        if seg_ids.size:
            ids.append(seg_ids + offset)
            weights.append(seg_weights)
    if not ids:
        return EMPTY
    return np.concatenate(ids), np.concatenate(weights)


def segment_postings(segment, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """One segment's (document numbers from 0, term frequencies) of a term."""
    try:
        matcher = segment._terms.matcher(fieldname, term.encode("utf-8"), segment.schema[fieldname].format)
    except (TermNotFound, KeyError):
        return EMPTY
    return _read_blocks(matcher)


def _read_blocks(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh 3 blocks are (delta-coded ids, weights, values) tuples: decoded with numpy,
    not one posting at a time."""
    if not hasattr(matcher, "_read_data"):  # another codec: the slow, public way
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, np.int64), np.asarray(weights, np.float32)
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, weights = matcher._data[0], matcher._data[1]
        id_blocks.append(np.asarray(deltas, np.int64))
        if weights is None or isinstance(weights, float):
            weight_blocks.append(np.full(len(deltas), 1.0 if weights is None else weights, np.float32))
        else:
            weight_blocks.append(np.asarray(weights, np.float32))
        matcher._next_block()
    if not id_blocks:
        return EMPTY
    return np.cumsum(np.concatenate(id_blocks)) if len(id_blocks) == 1 else _block_ids(id_blocks), \
        np.concatenate(weight_blocks)


def _block_ids(id_blocks: list[np.ndarray]) -> np.ndarray:
    """Each block's first delta is from 0 (the block's ids start afresh)."""
    return np.concatenate([np.cumsum(block) for block in id_blocks])


class PostingsCache:
    """Decoded posting lists of frequent terms ("an", "ninh" are in most queries),
    least recently used dropped first, within a memory budget."""

    MIN_POSTINGS = 2000

    def __init__(self, reader, budget_mb: float):
        self.reader = reader
        self.budget = int(budget_mb * 1e6)
        self.used = 0
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, fieldname: str, term: str, terms: TermIndex | None = None) -> tuple[np.ndarray, np.ndarray]:
        """terms: the generation's term tables, read instead of Whoosh's postings where segments have them."""
        key = (fieldname, term)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        ids, weights = terms.postings(fieldname, term) if terms else term_postings(self.reader, fieldname, term)
        size = ids.nbytes + weights.nbytes
        if ids.size >= self.MIN_POSTINGS and size <= self.budget:
            with self.lock:
                self.entries[key] = (ids, weights)
                self.used += size
                while self.used > self.budget:
                    _, (old_ids, old_weights) = self.entries.popitem(last=False)
                    self.used -= old_ids.nbytes + old_weights.nbytes
        return ids, weights


@dataclass
class Facet:
    values: list[str]
    doc: np.ndarray    # for multi-valued facets: the document of each (document, value) entry
    code: np.ndarray   # the value index of each entry (single-valued: one per document, -1 = none)
    multi: bool

    def codes_for(self, wanted: set[str]) -> np.ndarray:
        return np.array([i for i, v in enumerate(self.values) if v in wanted], np.int64)


@dataclass
class DocTable:
    """Per-document arrays of one index generation."""

    size: int
    live: np.ndarray
    dates: np.ndarray          # yyyymmdd, 0 when unknown
    lengths: np.ndarray        # text length in terms, for BM25
    facets: dict[str, Facet] = field(default_factory=dict)
    postings: PostingsCache | None = None
    folder: str | None = None  # the index folder, where segments keep their term tables

    @cached_property
    def average_length(self) -> float:
        live_lengths = self.lengths[self.live]
        return float(live_lengths.mean()) if live_lengths.size else 1.0

    _ids: np.ndarray | None = None  # the store id of every document number

    def document_ids(self, searcher=None) -> np.ndarray:
        return self._ids

    @cached_property
    def terms(self) -> TermIndex:
        """The term tables of this generation's segments (term_tables.py)."""
        return TermIndex(self.postings.reader, self.folder)

    @cached_property
    def live_count(self) -> int:
        return max(int(self.live.sum()), 1)


def load_doc_table(reader, cache_mb: float = 64, folder=None) -> DocTable:
    """The arrays of the reader's index generation: from the file saved beside the index
    (search_engine.doc_table_file) when there is one, else read from Whoosh and saved."""
    from search_engine import doc_table_file

    saved_file = doc_table_file.file_for(Path(folder), str(reader.generation())) if folder else None
    table = doc_table_file.load(saved_file) if saved_file and saved_file.exists() else None
    if table is None:
        table = read_doc_table(reader)
        if saved_file:
            doc_table_file.save(saved_file, table)
    table.postings = PostingsCache(reader, cache_mb)
    table.folder = str(folder) if folder else None
    return table


def read_doc_table(reader) -> DocTable:
    size = reader.doc_count_all()
    live = np.zeros(size, bool)
    live[np.fromiter(reader.all_doc_ids(), np.int64)] = True
    dates = np.array([_date_number(v) for v in _column(reader, "published", size)], np.int64)
    lengths = np.array([reader.doc_field_length(d, "text_f", 0) or 0 for d in range(size)], np.float32)
    table = DocTable(size, live, dates, np.maximum(lengths, 1.0))
    table._ids = np.array([int(v) if v else -1 for v in _column(reader, "id", size)], np.int64)
    for name in SINGLE_FACETS:
        table.facets[name] = _single_facet(_column(reader, name, size))
    for name in MULTI_FACETS:
        table.facets[name] = _multi_facet(reader, name)
    return table


def _column(reader, name: str, size: int) -> list:
    if size == 0:
        return []
    return list(reader.column_reader(name))


def _date_number(value) -> int:
    digits = "".join(ch for ch in (value or "")[:10] if ch.isdigit())
    return int((digits + "0101")[:8]) if len(digits) >= 4 else 0


def _single_facet(column: list) -> Facet:
    values = sorted({v for v in column if v})
    index = {v: i for i, v in enumerate(values)}
    codes = np.array([index.get(v, -1) if v else -1 for v in column], np.int64)
    return Facet(values, np.arange(len(column), dtype=np.int64), codes, multi=False)


def _multi_facet(reader, name: str) -> Facet:
    values = [term.decode("utf-8") if isinstance(term, bytes) else term for term in reader.lexicon(name)]
    docs, codes = [], []
    for code, value in enumerate(values):
        ids, _ = term_postings(reader, name, value)
        docs.append(ids)
        codes.append(np.full(ids.size, code, np.int64))
    if not values:
        return Facet([], np.zeros(0, np.int64), np.zeros(0, np.int64), multi=True)
    return Facet(values, np.concatenate(docs), np.concatenate(codes), multi=True)
