"""Postings kept as arrays beside each segment, read through memory maps.

Whoosh reads a posting list by probing an on-disk hash table in Python, then unpickling
and decompressing its blocks: a syllable found in most of 100,000 documents ("an",
"ninh") took milliseconds a segment, and a word query hundreds of milliseconds. The bulk
segment writer (bulk_segments.py) has every term's postings grouped in arrays when it
writes a segment, so it also saves them here: per field, the term hashes in order, where
each term's documents start, the documents and the term frequencies, each an .npy file
that is memory-mapped, not read. A lookup is a binary search and two slices.

A segment without tables (one written by Whoosh's own writer, such as `optimize`) is
asked the old way. Segments never change, so tables are opened once per process.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import numpy as np

PREFIX = "policekb-terms-"
_PARTS = ("hash", "start", "doc", "tf")
_OPENED: dict[str, "SegmentTerms | None"] = {}
_LOCK = threading.Lock()
EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def term_hash(term: str | bytes) -> int:
    data = term.encode("utf-8") if isinstance(term, str) else term
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def field_arrays(terms: list, starts: list[int], ends: list[int], docs: np.ndarray,
                 weights: np.ndarray) -> dict[str, np.ndarray]:
    """One field's table from its postings grouped by term (terms[i] has docs[starts[i]:ends[i]])."""
    hashes = np.fromiter(map(term_hash, terms), np.uint64, len(terms))
    order = np.argsort(hashes, kind="stable")
    starts, ends = np.asarray(starts, np.int64)[order], np.asarray(ends, np.int64)[order]
    lengths = ends - starts
    first = np.concatenate(([0], np.cumsum(lengths)))
    picked = np.repeat(starts - first[:-1], lengths) + np.arange(int(first[-1]))  # postings in hash order
    doc_type = np.uint16 if docs.size == 0 or int(docs.max()) < 1 << 16 else np.uint32
    tfs = weights[picked]
    integral = tfs.size == 0 or (float(tfs.max()) < 1 << 16 and bool(np.all(tfs == np.round(tfs))) and tfs.min() >= 0)
    return {"hash": hashes[order], "start": first, "doc": docs[picked].astype(doc_type),
            "tf": tfs.astype(np.uint16) if integral else tfs.astype(np.float32)}


def save(folder: str | Path, segment_id: str, fields: dict[str, dict[str, np.ndarray]]) -> None:
    """Written before the segment is committed, so a reader never sees the segment without them."""
    final = Path(folder) / f"{PREFIX}{segment_id}"
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for fieldname, arrays in fields.items():
        for part in _PARTS:
            np.save(partial / f"{fieldname}.{part}.npy", arrays[part], allow_pickle=False)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(partial, final)


def prune(folder: str | Path, segment_ids: set[str]) -> None:
    """Remove the tables of segments no longer in the index (merged away by a writer)."""
    for path in Path(folder).glob(f"{PREFIX}*"):
        if path.name[len(PREFIX):] not in segment_ids:
            shutil.rmtree(path, ignore_errors=True)


class SegmentTerms:
    """One segment's tables, each field's files mapped on first use."""

    def __init__(self, path: Path):
        self.path = path
        self.fields: dict[str, tuple | None] = {}

    def _field(self, fieldname: str):
        """The field's arrays; None when the segment has no postings in the field (the writer
        saves every field that has some, in one directory renamed into place)."""
        if fieldname not in self.fields:
            try:
                # plain arrays over the maps: np.memmap's subclass hooks cost more than the slicing
                self.fields[fieldname] = tuple(np.load(self.path / f"{fieldname}.{part}.npy", mmap_mode="r",
                                                       allow_pickle=False).view(np.ndarray) for part in _PARTS)
            except FileNotFoundError:
                self.fields[fieldname] = None
        return self.fields[fieldname]

    def postings(self, fieldname: str, hashed: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        arrays = self._field(fieldname)
        if arrays is None:
            return EMPTY
        hashes, starts, docs, tfs = arrays
        i = int(hashes.searchsorted(hashed))
        if i == hashes.size or hashes[i] != hashed:
            return EMPTY
        a, b = int(starts[i]), int(starts[i + 1])
        return docs[a:b], tfs[a:b]


def _open(folder: str, segment_id: str) -> SegmentTerms | None:
    path = os.path.join(folder, f"{PREFIX}{segment_id}")
    with _LOCK:
        if path not in _OPENED:
            _OPENED[path] = SegmentTerms(Path(path)) if os.path.isdir(path) else None
        return _OPENED[path]


class TermIndex:
    """The tables of one index generation: each segment's (None where it has none) with the
    segment's first document number, resolved once."""

    def __init__(self, reader, folder: str | None):
        self.segments = [(_open(folder, segment.segment().segment_id()) if folder else None, segment, offset)
                         for segment, offset in reader.leaf_readers()]

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term, deleted documents included."""
        from search_engine.postings import segment_postings

        hashed = np.uint64(term_hash(term))
        parts = []
        for tables, segment, offset in self.segments:
            if tables is not None:
                seg_ids, seg_tfs = tables.postings(fieldname, hashed)
            else:  # a segment Whoosh's own writer wrote: its own postings
                seg_ids, seg_tfs = segment_postings(segment, fieldname, term)
            if seg_ids.size:
                parts.append((seg_ids, seg_tfs, offset))
        total = sum(part[0].size for part in parts)
        ids, tfs = np.empty(total, np.int64), np.empty(total, np.float32)
        at = 0
        for seg_ids, seg_tfs, offset in parts:  # filled in place: no per-segment copies to concatenate
            end = at + seg_ids.size
            np.add(seg_ids, np.int64(offset), out=ids[at:end], casting="unsafe")
            tfs[at:end] = seg_tfs
            at = end
        return ids, tfs
