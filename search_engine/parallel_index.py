"""Writing segments fast.

Every write goes through segment_writer: plain-file segments (see engine.py) whose
postings are gathered per term and written in bulk (bulk_segments.py). A fresh build runs on every core: worker processes
turn batches of documents into segments, and the parent adds the finished segments to
the index in one commit. (Whoosh's own MpWriter gives each process one segment for all
its documents, which no longer sorts in memory and spills to slow pickled runs.)"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator

from whoosh import index
from whoosh.writing import SegmentWriter

from search_engine.bulk_segments import BulkSegmentWriter
from search_engine.index_schema import FastCodec, record_fields


def worker_count() -> int:
    return max(1, min(os.cpu_count() or 1, int(os.environ.get("POLICEKB_INDEX_PROCS", "8"))))


def batches(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_parallel(ix, path: str, record_batches: Iterable[list[dict]], limitmb: int, procs: int) -> int:
    """Index batches of records into a fresh index with procs worker processes; returns the number indexed."""
    context = multiprocessing.get_context("fork")
    segments, count = [], 0
    jobs = ((path, batch, limitmb) for batch in record_batches)
    with context.Pool(procs) as pool:
        for segment, written in pool.imap(_write_segment, jobs):
            segments.append(segment)
            count += written
    writer = SegmentWriter(ix, codec=FastCodec())  # holds the index lock while the segments are added
    writer._close_segment()
    writer._commit_toc(list(writer.segments) + segments)
    writer._finish()
    return count


def segment_writer(ix, **kwargs) -> BulkSegmentWriter:
    return BulkSegmentWriter(ix, codec=FastCodec(), compound=False, **kwargs)


def _write_segment(job: tuple[str, list[dict], int]):
    path, batch, limitmb = job
    ix = index.open_dir(path)
    writer = segment_writer(ix, _lk=False, limitmb=limitmb)
    for record in batch:
        writer.add_document(**record_fields(record))
    # The temporary folder is shared by the workers: the parent's commit removes it.
    return writer._finalize_segment(), len(batch)
