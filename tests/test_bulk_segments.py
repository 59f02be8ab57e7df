"""The bulk segment writer writes what Whoosh's own SegmentWriter writes: the same per-document
files byte for byte, and postings that Whoosh reads back as the same terms, term statistics,
documents, weights and values (blocks differ only in the zlib window named in their header)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from whoosh.writing import SegmentWriter

from search_engine import term_tables
from search_engine.bulk_segments import BulkSegmentWriter
from search_engine.engine import SearchEngine
from search_engine.index_schema import FastCodec, record_fields

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from corpus_gen import documents  # noqa: E402

ODD = [  # edge cases next to the generated documents: empty and missing values, a lone word, commas
    {"document": {"id": 9001, "title": "", "text": "", "kind": None, "published": None, "number": None,
                  "source": ""}, "doc_refs": [], "models": [], "places": []},
    {"document": {"id": 9002, "title": "Hoà bình, thuỷ lợi: “Tổ tự quản” số 12/2024/QĐ-UBND", "text": "x",
                  "kind": "directive", "published": "2024-02-29", "number": "12/2024/QĐ-UBND",
                  "issuer": "UBND tỉnh Quảng Trị", "source": "https://example.vn/a?b=1"},
     "doc_refs": [{"number": "12/2024/QĐ-UBND", "type": "QĐ"}], "models": [{"name": "Tổ tự quản, kiểu mới"}],
     "places": [{"province": "Quảng Trị", "district": "Cam Lộ"}]},
]


def _build(folder: Path, writer_class, records, blocklimit: int):
    engine = SearchEngine.create(folder)
    writer = writer_class(engine.ix, codec=FastCodec(blocklimit=blocklimit), compound=False)
    for fields in records:
        writer.add_document(**fields)
    segment = writer._finalize_segment()
    writer._commit_toc([segment])
    writer._finish()
    files = {p.name.replace(segment.segment_id(), "SEGMENT"): p.read_bytes() if p.is_file() else None
             for p in folder.iterdir() if segment.segment_id() in p.name}
    return engine.ix, files


def _postings(ix) -> dict:
    with ix.reader() as reader:
        out = {}
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            matcher = reader.postings(field, term)
            ids, weights, values = [], [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                values.append(matcher.value())
                matcher.next()
            out[field, term] = ((info.weight(), info.doc_frequency(), info.max_weight(), info.min_id(),
                                 info.max_id()), ids, weights, values)
        return out


@pytest.mark.parametrize("blocklimit", [1024, 7])  # 7: terms spread over many blocks
def test_bulk_segments_read_back_as_whoosh_writes_them(tmp_path, blocklimit):
    records = [record_fields(r) for r in [*documents(120, seed=3), *ODD]]
    whoosh_ix, whoosh_files = _build(tmp_path / "whoosh", SegmentWriter, records, blocklimit)
    bulk_ix, bulk_files = _build(tmp_path / "bulk", BulkSegmentWriter, records, blocklimit)

    assert bulk_files.pop(term_tables.PREFIX + "SEGMENT", "missing") is None  # the term tables' folder
    assert whoosh_files.keys() == bulk_files.keys()
    for name in whoosh_files:
        if not name.endswith((".pst", ".trm")):  # stored fields, lengths, columns
            assert bulk_files[name] == whoosh_files[name], name
    expected, written = _postings(whoosh_ix), _postings(bulk_ix)
    assert written.keys() == expected.keys()
    assert any(len(ids) > blocklimit for _, ids, _, _ in expected.values()) == (blocklimit == 7)
    for key in expected:
        assert written[key] == expected[key], key
    assert abs(len(bulk_files["SEGMENT.pst"]) - len(whoosh_files["SEGMENT.pst"])) < 0.01 * len(
        whoosh_files["SEGMENT.pst"])  # compressed as well as zlib.compress does


def test_bulk_writer_refuses_what_it_does_not_write(tmp_path):
    engine = SearchEngine.create(tmp_path / "ix")
    writer = BulkSegmentWriter(engine.ix, codec=FastCodec(), compound=False)
    with pytest.raises(ValueError, match="boosts"):
        writer.add_document(_boost=2.0, **record_fields(ODD[1]))
    writer.cancel()


def _build_with_merges(folder: Path, writer_class, records):
    """Two commits of new segments, then updates and a deletion committed with every segment merged
    into the new one (the merged postings reach the pool through Whoosh's own path)."""
    from whoosh.writing import NO_MERGE

    engine = SearchEngine.create(folder)
    for part in (records[:50], records[50:100]):
        writer = writer_class(engine.ix, codec=FastCodec(blocklimit=7), compound=False)
        for fields in part:
            writer.add_document(**fields)
        writer.commit(mergetype=NO_MERGE)
    writer = writer_class(engine.ix, codec=FastCodec(blocklimit=7), compound=False)
    writer.delete_by_term("id", records[3]["id"])
    for fields in records[100:]:
        writer.update_document(**fields)
    writer.commit(optimize=True)
    return engine.ix


def test_merged_segments_read_back_as_whoosh_merges_them(tmp_path):
    records = [record_fields(r) for r in documents(110, seed=4)]
    records[100:] = [{**fields, "id": records[i]["id"]} for i, fields in enumerate(records[100:], start=10)]
    whoosh_ix = _build_with_merges(tmp_path / "whoosh", SegmentWriter, records)
    bulk_ix = _build_with_merges(tmp_path / "bulk", BulkSegmentWriter, records)
    assert len(bulk_ix._segments()) == len(whoosh_ix._segments()) == 1
    assert _postings(bulk_ix) == _postings(whoosh_ix)
