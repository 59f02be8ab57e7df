"""Writing a Whoosh segment's postings in bulk.

Whoosh's SegmentWriter hands every posting through four layers of Python (the field's
token generator, the pool, FieldWriter.add_postings, W3PostingsWriter.add_posting, each
with its checks): about two thirds of an index build. Here a document's terms are
appended to its fields' lists in one step each, grouped by term with numpy when the
segment ends, and each term's postings written as whole blocks in Whoosh's own W3 format
(pickled delta-coded ids and weights, zlib-compressed, behind the same block header and
term info). Whoosh reads the segments back as it writes them: the per-document files are
byte for byte its own, and every term's statistics and postings equal
(tests/test_bulk_segments.py)."""
from __future__ import annotations

import zlib
from array import array
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from search_engine import term_tables

_NO_LENGTH_BYTES = (length_to_byte(None), length_to_byte(0))  # blocks of a codec without length stats


class FieldPostings:
    """One field's postings in the order documents arrive: a term number, a weight and (for
    formats that have them) a value per posting, the document numbers as runs. Adding a
    document is a few extends at C speed, and a posting takes 8 bytes (a term's text is kept
    once, in the vocabulary); grouping by term waits for the segment's end (grouped())."""

    __slots__ = ("vocabulary", "ids", "weights", "values", "run_docs", "run_lengths", "in_order")

    def __init__(self):
        self.vocabulary = _Vocabulary()
        self.ids, self.weights = array("I"), array("f")  # Whoosh keeps weights as 32-bit floats too
        self.values: list[bytes] = []
        self.run_docs, self.run_lengths = array("I"), array("I")
        self.in_order = True  # documents arrived in ascending order

    def add(self, docnum: int, terms, weights, values=()) -> None:
        if self.run_docs and docnum < self.run_docs[-1]:
            self.in_order = False
        before = len(self.ids)
        self.ids.extend(map(self.vocabulary.__getitem__, terms))
        self.weights.extend(weights)
        self.values += values
        self.run_docs.append(docnum)
        self.run_lengths.append(len(self.ids) - before)

    def __len__(self) -> int:
        return len(self.ids)

    def grouped(self, blocklimit: int):
        """(terms sorted, their posting ranges, and the documents, their block deltas, weights and
        values by term)."""
        ids = np.frombuffer(self.ids, np.uint32)
        docs = np.repeat(np.frombuffer(self.run_docs, np.uint32), np.frombuffer(self.run_lengths, np.uint32))
        # stable: each term's documents stay in the ascending order they came in
        order = np.argsort(ids, kind="stable") if self.in_order else np.lexsort((docs, ids))
        ids, docs = ids[order], docs[order]
        weights = np.frombuffer(self.weights, np.float32)[order]
        values = [self.values[i] for i in order.tolist()] if self.values else []
        if values and len(values) != len(ids):
            raise ValueError("a field's postings must all have values or none")
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ends = np.r_[starts[1:], ids.size]
        deltas = _block_deltas(docs, starts, ends, blocklimit)
        names = list(self.vocabulary)  # by number, which is the order of starts
        ranked = sorted(range(len(names)), key=names.__getitem__)
        return ([names[i] for i in ranked], starts[ranked].tolist(), ends[ranked].tolist(), docs, deltas, weights,
                values)


class _Vocabulary(dict):
    """term -> a number, given in order of first appearance."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class TermPool:
    """A segment's postings by field (the pool a SegmentWriter hands its postings to)."""

    def __init__(self, schema):
        self.fields: dict[str, FieldPostings] = {}
        # fields that give term counts keep their terms as str, the others as bytes
        self.text_terms = {name for name, field in schema.items() if hasattr(field, "term_counts")}

    def field(self, name: str) -> FieldPostings:
        postings = self.fields.get(name)
        if postings is None:
            postings = self.fields[name] = FieldPostings()
        return postings

    def add(self, posting: tuple) -> None:
        """One posting (fieldname, term bytes, docnum, weight, value): Whoosh's way in, used when
        a commit merges older segments into the new one."""
        name, term, docnum, weight, value = posting
        if name in self.text_terms:
            term = term.decode("utf-8")
        self.field(name).add(docnum, (term,), (weight,), (value,) if value else ())

    def cleanup(self) -> None:
        self.fields.clear()


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter whose postings skip Whoosh's per-posting path. Fields that can give
    their term counts at once (a `term_counts(value)` method returning {str: count}) are
    read that way; other fields through their usual `index(value)`. Stored fields, field
    lengths and columns are written by Whoosh's per-document writer as before."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self.schema)
        if self.codec.length_stats or self.codec._inlinelimit > 1:
            raise ValueError("bulk postings are written without per-posting lengths, and never inlined")

    def add_document(self, **fields):
        self._check_state()
        perdoc, schema, docnum = self.perdocwriter, self.schema, self.docnum
        if any(name.startswith("_") for name in fields):
            raise ValueError("boosts and custom stored values (_-arguments) are not written in bulk")
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                if field.separate_spelling() or field.vector:
                    raise ValueError(f"field {name}: spelling and vectors are not written in bulk")
                length = self._add_postings(name, field, value, docnum) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_postings(self, name: str, field, value, docnum: int) -> int:
        """Adds the field's postings for this document; returns its length (the sum of term frequencies)."""
        postings = self.pool.field(name)
        if hasattr(field, "term_counts"):
            counts = field.term_counts(value)
            postings.add(docnum, counts, counts.values())
            return sum(counts.values()) if field.scorable else 0
        items = list(field.index(value))
        values = [vbytes for _, _, _, vbytes in items if vbytes]
        postings.add(docnum, [tbytes for tbytes, _, _, _ in items], [weight for _, _, weight, _ in items], values)
        return sum(freq for _, freq, _, _ in items) if field.scorable else 0

    def _flush_segment(self):
        self.perdocwriter.close()
        tables = write_postings(self.fieldwriter, self.schema, self.pool, self.codec)
        self.fieldwriter.close()
        folder = getattr(self.storage, "folder", None)  # None: an index in memory
        if folder:  # before the segment is committed: no reader sees it without its tables
            term_tables.save(folder, self.newsegment.segment_id(), tables)


def write_postings(fieldwriter, schema, pool: TermPool, codec) -> dict[str, dict[str, np.ndarray]]:
    """Every term of the pool, in field then term order, as Whoosh's W3 field writer writes it;
    returns the same postings as term tables (term_tables.py)."""
    fieldmap, tindex, postfile = fieldwriter._fieldmap, fieldwriter._tindex, fieldwriter._postfile
    offset = postfile.tell()
    tables = {}
    for name in sorted(pool.fields):
        postings = pool.fields[name]
        if not len(postings):
            continue
        prefix = pack_ushort(fieldmap.setdefault(name, len(fieldmap)))
        fixed_size = schema[name].format.fixed_value_size()
        terms, starts, ends, docs, deltas, weights, values = postings.grouped(codec._blocklimit)
        for term, start, end in zip(terms, starts, ends):
            info, blocks = _term_blocks(docs, deltas, weights, values, start, end, fixed_size, codec)
            info.set_extent(offset, len(blocks))
            postfile.write(blocks)
            offset += len(blocks)
            # str and UTF-8 sort alike (by code point), so terms were sorted before encoding
            tindex.add(prefix + (term.encode("utf-8") if isinstance(term, str) else term), info.to_bytes())
        tables[name] = term_tables.field_arrays(terms, starts, ends, docs, weights)
    return tables


def _block_deltas(docs: np.ndarray, starts: np.ndarray, ends: np.ndarray, blocklimit: int) -> np.ndarray:
    """Each document number minus the one before it in its block (Whoosh starts every block from 0);
    starts and ends are the terms' ranges in the order their postings lie."""
    docs = docs.astype(np.int64)
    deltas = np.diff(docs, prepend=0)
    position = np.arange(docs.size) - np.repeat(starts, ends - starts)  # within its term
    first_in_block = position % blocklimit == 0
    deltas[first_in_block] = docs[first_in_block]
    return deltas


def _term_blocks(docs, deltas, weights, values, start: int, end: int, fixed_size, codec) -> tuple[W3TermInfo, bytes]:
    """A term's postings[start:end] as Whoosh's W3 postings writer lays them out, and its term info."""
    info = W3TermInfo()
    parts = [WHOOSH3_HEADER_MAGIC]
    total, maxweight, compression = 0.0, 0, codec._compression
    for first in range(start, end, codec._blocklimit):
        last = min(first + codec._blocklimit, end)
        block_weights = weights[first:last].tolist()
        block_max = max(block_weights)
        maxweight = max(maxweight, block_max)
        total += sum(block_weights)
        data = dumps((tuple(deltas[first:last].tolist()), _mini_weights(block_weights),
                      _mini_values(values[first:last], fixed_size)), 2)
        if compression:
            data = _compress(data, compression)
        header = dumps((last - first, int(docs[last - 1]), block_max if block_max > 0 else 0, compression,
                        *_NO_LENGTH_BYTES), 2)
        length = len(header) + len(data)
        parts += (pack_int(-length if last == end else length), header, data)
    info._weight, info._df, info._maxweight = total, end - start, maxweight
    info._minid, info._maxid = int(docs[start]), int(docs[end - 1])
    return info, b"".join(parts)


def _compress(data: bytes, level: int) -> bytes:
    """zlib.compress(data, level), less its set-up: zlib.compress prepares a 32 KB window for every
    call, which costs more than compressing a small block. A window no larger than the block
    compresses it as well (its zlib header names the smaller window; any zlib reader accepts it)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, max(9, min(15, len(data).bit_length())))
    return packer.compress(data) + packer.flush()


def _mini_weights(weights: list[float]):
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _mini_values(values: list, fixed_size):
    if fixed_size is None or fixed_size < 0:
        return tuple(values)
    if fixed_size == 0:
        return None
    return b"".join(values)
