"""Postings of the number fields kept as arrays beside each segment.

A number lookup asks every segment for two or four terms. Whoosh answers each ask
with an on-disk hash probe in Python (~30 µs), so at 100,000 documents (25
segments) the probes alone took 3 ms of a 5 ms budget. When a segment is written,
its number terms are known (the records), so they are saved beside it as sorted
term hashes with their documents; a lookup is then a binary search per segment.
A segment without such a file (one Whoosh merged from smaller ones) is asked the
old way. Segments never change, so a file is read once per process.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

NUMBER_FIELDS = ("number_terms", "own_number_terms")
# Digit-only words of the text and title ("245"): a bare serial is also looked up as text.
DIGIT_FIELDS = ("text_f", "title_f")
PREFIX = "policekb-numbers-"
_LOADED: dict[str, "SegmentNumbers | None"] = {}
_LOCK = threading.Lock()


def term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def is_digit_term(fieldname: str, term: str) -> bool:
    return fieldname in DIGIT_FIELDS and term.isdigit()


class SegmentNumbers:
    """One segment's number terms: per field, sorted hashes, where each term's documents start, the
    documents and how often the term occurs in each."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays

    def has(self, fieldname: str) -> bool:
        return f"{fieldname}.hash" in self.arrays

    def documents(self, fieldname: str, hashed: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        hashes = self.arrays[f"{fieldname}.hash"]
        i = int(hashes.searchsorted(hashed))
        if i == hashes.size or hashes[i] != hashed:
            return EMPTY
        starts = self.arrays[f"{fieldname}.start"]
        a, b = starts[i], starts[i + 1]
        return self.arrays[f"{fieldname}.doc"][a:b], self.arrays[f"{fieldname}.tf"][a:b]


EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class Builder:
    """Collects a segment's number and digit terms document by document, as the segment is written
    (right after Whoosh indexed a document, its analysed text is still in analysis.analyzed's cache)."""

    def __init__(self):
        self.rows: dict[str, list[tuple[int, int, float]]] = {f: [] for f in (*NUMBER_FIELDS, *DIGIT_FIELDS)}
        self.count = 0

    def add(self, fields: dict) -> None:
        from search_app.analysis import analyzed

        doc = self.count
        self.count += 1
        for fieldname in NUMBER_FIELDS:
            self.rows[fieldname] += [(term_hash(t), doc, 1.0) for t in (fields.get(fieldname) or "").split(",") if t]
        for fieldname in DIGIT_FIELDS:
            digits = analyzed(fields.get(fieldname) or "").digits
            self.rows[fieldname] += [(term_hash(t), doc, float(c)) for t, c in digits.items()]

    def arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for fieldname, rows in self.rows.items():
            hashes = np.array([h for h, _, _ in rows], np.uint64)
            docs = np.array([d for _, d, _ in rows], np.int32)
            counts = np.array([c for _, _, c in rows], np.float32)
            order = np.lexsort((docs, hashes))
            hashes, docs, counts = hashes[order], docs[order], counts[order]
            distinct, first = np.unique(hashes, return_index=True)
            arrays[f"{fieldname}.hash"] = distinct
            arrays[f"{fieldname}.start"] = np.append(first, hashes.size).astype(np.int64)
            arrays[f"{fieldname}.doc"] = docs
            arrays[f"{fieldname}.tf"] = counts
        return arrays


def save(folder: str | Path, segment_id: str, builder: Builder) -> None:
    """Written before the segment is committed, so a reader never sees the segment without it."""
    from search_app.doc_table_file import write_npz

    write_npz(Path(folder) / f"{PREFIX}{segment_id}.npz", builder.arrays())  # without it: the slow way


def prune(folder: str | Path, segment_ids: set[str]) -> None:
    """Remove the files of segments no longer in the index (merged away by a writer)."""
    for path in Path(folder).glob(f"{PREFIX}*.npz"):
        if path.name[len(PREFIX):-len(".npz")] not in segment_ids:
            path.unlink(missing_ok=True)


def _load(folder: str, segment_id: str) -> SegmentNumbers | None:
    path = os.path.join(folder, f"{PREFIX}{segment_id}.npz")
    with _LOCK:
        if path in _LOADED:
            return _LOADED[path]
    try:
        with np.load(path, allow_pickle=False) as saved:
            numbers = SegmentNumbers({key: saved[key] for key in saved.files})
    except (OSError, ValueError, KeyError):
        numbers = None
    with _LOCK:
        _LOADED[path] = numbers
    return numbers


class NumberIndex:
    """The number tables of one index generation: each segment's table (None where it has none)
    with the segment's first document number, resolved once."""

    def __init__(self, reader, folder: str | None):
        self.segments = [(_load(folder, segment.segment().segment_id()) if folder else None, segment, offset)
                         for segment, offset in reader.leaf_readers()]

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a number or digit term, deleted documents included."""
        from search_app.postings import segment_postings

        hashed = np.uint64(term_hash(term))
        ids, tfs = [], []
        for numbers, segment, offset in self.segments:
            if numbers is not None and numbers.has(fieldname):
                seg_ids, seg_tfs = numbers.documents(fieldname, hashed)
            else:  # a segment merged by Whoosh: its own postings
                seg_ids, seg_tfs = segment_postings(segment, fieldname, term)
            if seg_ids.size:
                ids.append(seg_ids.astype(np.int64) + offset)
                tfs.append(seg_tfs.astype(np.float32))
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(ids), np.concatenate(tfs)
