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
import tempfile
import threading
from pathlib import Path

import numpy as np
from whoosh.reading import TermNotFound

NUMBER_FIELDS = ("number_terms", "own_number_terms")
PREFIX = "policekb-numbers-"
_LOADED: dict[str, "SegmentNumbers | None"] = {}
_LOCK = threading.Lock()


def term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


class SegmentNumbers:
    """One segment's number terms: per field, sorted hashes, where each term's documents start, the documents."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays

    def documents(self, fieldname: str, hashed: int) -> np.ndarray:
        hashes = self.arrays[f"{fieldname}.hash"]
        i = int(np.searchsorted(hashes, np.uint64(hashed)))
        if i == hashes.size or hashes[i] != np.uint64(hashed):
            return np.zeros(0, np.int64)
        starts = self.arrays[f"{fieldname}.start"]
        return self.arrays[f"{fieldname}.doc"][starts[i]:starts[i + 1]].astype(np.int64)


def build(records_fields: list[dict]) -> dict[str, np.ndarray]:
    """The arrays of a segment whose documents are records_fields, in document-number order."""
    arrays = {}
    for fieldname in NUMBER_FIELDS:
        pairs = [(term_hash(term), doc) for doc, fields in enumerate(records_fields)
                 for term in (fields.get(fieldname) or "").split(",") if term]
        hashes = np.array([h for h, _ in pairs], np.uint64)
        docs = np.array([d for _, d in pairs], np.int32)
        order = np.lexsort((docs, hashes))
        hashes, docs = hashes[order], docs[order]
        distinct, first = np.unique(hashes, return_index=True)
        arrays[f"{fieldname}.hash"] = distinct
        arrays[f"{fieldname}.start"] = np.append(first, hashes.size).astype(np.int64)
        arrays[f"{fieldname}.doc"] = docs
    return arrays


def save(folder: str | Path, segment_id: str, records_fields: list[dict]) -> None:
    """Written before the segment is committed, so a reader never sees the segment without it."""
    folder = Path(folder)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".numbers-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **build(records_fields))
        os.replace(temporary, folder / f"{PREFIX}{segment_id}.npz")
    except OSError:  # without the file the segment is asked the slow way
        Path(temporary).unlink(missing_ok=True)


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


def postings(reader, folder: str | None, fieldname: str, term: str) -> np.ndarray:
    """Document numbers having a number term (deleted documents included)."""
    from search_app.postings import _read_blocks

    hashed = term_hash(term)
    found = []
    for segment, offset in reader.leaf_readers():
        numbers = _load(folder, segment.segment().segment_id()) if folder else None
        if numbers is not None:
            ids = numbers.documents(fieldname, hashed)
        else:
            try:
                matcher = segment._terms.matcher(fieldname, term.encode("utf-8"), segment.schema[fieldname].format)
            except (TermNotFound, KeyError):
                continue
            ids = _read_blocks(matcher)[0]
        if ids.size:
            found.append(ids + offset)
    return np.concatenate(found) if found else np.zeros(0, np.int64)
