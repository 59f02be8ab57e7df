"""The search engine on its own: records in, hits, facets and suggestions out (no extraction involved)."""
from __future__ import annotations

import pytest

from search_engine.engine import IndexBuilding, IndexMissing, SearchEngine


def record(doc_id, title, text, kind="article", published="2023-01-01", number=None, cites=(), province=None,
           models=(), issuer=None):
    refs = [{"number": n} for n in cites] + ([{"number": number}] if number else [])
    return {"document": {"id": doc_id, "title": title, "text": f"{title}\n{text}", "kind": kind,
                         "published": published, "number": number, "issuer": issuer,
                         "source": f"https://example.vn/{doc_id}"},
            "doc_refs": refs, "models": [{"name": m} for m in models],
            "places": [{"province": province, "district": None}] if province else []}


RECORDS = [
    record(1, "Kế hoạch số 953/KH-BCĐ-CAT", "Căn cứ Nghị định 111/2013/NĐ-CP, tỉnh Nghệ An nhân rộng mô hình “Camera an ninh”.",
           kind="directive", published="2023-05-10", number="953/KH-BCĐ-CAT", cites=["111/2013/NĐ-CP"],
           province="Nghệ An", models=["Camera an ninh"], issuer="Ban Chỉ đạo 138 tỉnh Nghệ An"),
    record(2, "Diễn Châu lắp camera", "Thực hiện Kế hoạch số 953/KH-BCĐ-CAT, mô hình “Camera an ninh” có 45 điểm.",
           published="2023-06-12", cites=["953/KH-BCĐ-CAT"], province="Nghệ An", models=["Camera an ninh"]),
    record(3, "Tổ liên gia ở Hà Tĩnh", "Mô hình “Tổ liên gia tự quản về an ninh, trật tự” giữ vững an ninh trật tự.",
           published="2022-03-01", province="Hà Tĩnh", models=["Tổ liên gia tự quản về ANTT"]),
    record(4, "Tự quản ở Đức Thọ", "Các tổ tự quản góp phần giữ trật an toàn; kênh thông tin hoà giải cơ sở.",
           published="2021-09-09", province="Hà Tĩnh", models=["Tổ liên gia tự quản về an ninh trật tự"]),
    record(5, "Tiếng kẻng ở Mường Lát", "Tiếng kẻng an ninh vang lên ở các bản vùng cao, hòa bình yên ả; trâu kềnh càng.",
           published="2024-02-02", province="Thanh Hóa"),
] + [record(100 + i, f"Tin tuần tra số {i}", "Lực lượng tuần tra canh gác ban đêm.", published=f"2020-01-{i + 1:02d}",
            province="Quảng Trị") for i in range(25)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "index"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    return SearchEngine.open(path)


def ids(engine, query, **kwargs):
    return [hit.id for hit in engine.search(query, **kwargs).hits]


@pytest.mark.parametrize("query", ["953/KH-BCĐ-CAT", "953/kh-bcd-cat", "953/KH-BCD-CAT", "953 / KH-BCĐ-CAT",
                                   "KH 953", "kh953"])
def test_number_in_any_form_finds_the_directive_first_then_citing_documents(engine, query):
    assert ids(engine, query) == [1, 2]


def test_number_with_words_and_short_year_form(engine):
    assert ids(engine, "nghi dinh 111/2013") == [1]
    assert ids(engine, "Nghị định 111/2013/NĐ-CP") == [1]


def test_text_without_diacritics_finds_accented_text(engine):
    assert set(ids(engine, "camera an ninh")) == {1, 2}
    assert 3 in ids(engine, "to lien gia tu quan")
    assert ids(engine, "muong lat") == [5]


def test_accented_query_ranks_the_exact_form_first(engine):
    assert ids(engine, "kênh") == [4, 5] and ids(engine, "kềnh") == [5, 4]
    assert set(ids(engine, "kenh")) == {4, 5}


def test_an_is_a_word_and_tone_placement_is_unified(engine):
    assert set(ids(engine, "Nghệ An")) >= {1}
    assert set(ids(engine, "hoà bình")) == {5} and set(ids(engine, "hòa")) == {4, 5}


def test_quoted_phrase_needs_neighbouring_words(engine):
    assert set(ids(engine, "trật tự")) == {3, 4}
    assert ids(engine, '"trật tự"') == [3]
    assert ids(engine, '"trat tu"') == [3]
    assert ids(engine, '"tổ liên gia tự quản"') == [3]


def test_facet_counts_and_filters(engine):
    result = engine.search("", facets=True)
    assert result.total == len(RECORDS)
    assert dict(result.facets["kind"]) == {"article": 29, "directive": 1}
    assert dict(result.facets["province"])["Hà Tĩnh"] == 2
    assert dict(result.facets["year"])["2020"] == 25
    assert ids(engine, "", filters={"kind": "directive"}) == [1]
    assert set(ids(engine, "an ninh", filters={"province": "Hà Tĩnh"})) == {3}
    assert engine.search("", filters={"year": "2023"}).total == 2


def test_model_facet_counts_groups_once_per_document(engine):
    groups = {"model": {"to lien gia tu quan ve an ninh trat tu": "lien gia", "camera an ninh": "camera"}}
    counts = dict(engine.search("", groups=groups).facets["model"])
    assert counts == {"camera": 2, "lien gia": 2}
    assert set(ids(engine, "", filters={"model": "lien gia"}, groups=groups)) == {3, 4}


def test_date_range(engine):
    found = ids(engine, "", filters={"from": "2022-01-01", "to": "2023-05-31"})
    assert set(found) == {1, 3}
    assert set(ids(engine, "", filters={"from": "2024"})) == {5}
    assert engine.search("", filters={"to": "2020-01-05"}).total == 5


def test_sort_by_date_and_by_relevance(engine):
    by_date = engine.search("an ninh", sort="date").hits
    dates = [h.published for h in by_date]
    assert dates == sorted(dates, reverse=True)
    assert engine.search("953/KH-BCĐ-CAT", sort="relevance").hits[0].id == 1


def test_pagination(engine):
    first, second, third = (engine.search("tuần tra", page=p) for p in (1, 2, 3))
    assert first.total == 25 and first.pages == 3
    assert len(first.hits) == 10 and len(second.hits) == 10 and len(third.hits) == 5
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert engine.search("tuần tra", page=99).page == 3


def test_snippets_mark_words_whatever_the_accents_and_escape_html(tmp_path):
    engine = SearchEngine.create(tmp_path / "ix")
    engine.add([record(1, "Thử", "<script>x</script> Camera an ninh ở Cam Lộ")], fresh=True)
    snippet = SearchEngine.open(tmp_path / "ix").search("camera an ninh").hits[0].snippet
    assert '<mark class="hl t">Camera an ninh</mark>' in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_did_you_mean_for_plain_and_accented_words(engine):
    assert engine.suggest("camra") == ["camera"] and "kẻng" in engine.suggest("kẻnh")
    assert engine.suggest_query("camra an ninh") == "camera an ninh"
    assert engine.suggest_query("tiếng kẻnh an ninh") == "tiếng kẻng an ninh"
    assert engine.suggest_query("camera an ninh") is None
    assert engine.suggest_query("tieng kenh") is None  # both words exist...
    assert engine.suggest_query("tieng kenh", zero_hits=True) == "tieng keng"  # ...but never side by side


def test_incremental_add_replace_delete(tmp_path):
    path = tmp_path / "ix"
    SearchEngine.create(path).add(RECORDS[:2], fresh=True)
    SearchEngine.open(path).add([record(7, "Mới", "Zalo an ninh trật tự"),
                                 record(2, "Diễn Châu sửa", "Bài đã sửa về tuần tra.")])
    engine = SearchEngine.open(path)
    assert ids(engine, "zalo") == [7]
    assert ids(engine, "tuần tra") == [2] and ids(engine, "camera") == [1]
    engine.delete([7])
    assert ids(SearchEngine.open(path), "zalo") == []
    assert SearchEngine.open(path).search("").total == 2


def test_missing_and_building_index(tmp_path):
    with pytest.raises(IndexMissing) as missing:
        SearchEngine.open(tmp_path / "index")
    assert not missing.value.building
    (tmp_path / "index.building").mkdir()
    with pytest.raises(IndexBuilding):
        SearchEngine.open(tmp_path / "index")


def test_matching_ids(engine):
    assert engine.matching_ids("camera") == [1, 2]
    assert engine.matching_ids("", {"province": "Thanh Hóa"}) == [5]


def test_fresh_build_writes_batches_in_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr("search_engine.engine.BATCH_SIZE", 7)
    monkeypatch.setenv("POLICEKB_INDEX_PROCS", "2")
    assert SearchEngine.create(tmp_path / "ix").add(iter(RECORDS), fresh=True) == len(RECORDS)
    engine = SearchEngine.open(tmp_path / "ix")
    assert engine.search("").total == len(RECORDS)
    assert ids(engine, "KH 953") == [1, 2] and engine.search("tuần tra").total == 25


def test_a_rebuilt_index_replaces_the_open_one(tmp_path):
    path = tmp_path / "ix"
    SearchEngine.create(path).add(RECORDS[:1], fresh=True)
    old = SearchEngine.open(path)
    assert old.search("").total == 1
    SearchEngine.create(path).add(RECORDS[:3], fresh=True)  # a rebuild in another folder generation
    new = SearchEngine.open(path)
    assert new is not old and new.search("").total == 3
    assert old.search("").total == 3  # a request still holding the old engine reads the new index


def _same_table(a, b) -> None:
    import numpy as np

    assert a.size == b.size
    for name in ("live", "dates", "lengths", "_ids"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.facets.keys() == b.facets.keys()
    for name, facet in a.facets.items():
        other = b.facets[name]
        assert (facet.values, facet.multi) == (other.values, other.multi)
        assert np.array_equal(facet.doc, other.doc) and np.array_equal(facet.code, other.code)


def test_per_document_arrays_are_saved_per_generation_and_read_back_unchanged(tmp_path):
    from search_engine import doc_table_file
    from search_engine.postings import load_doc_table, read_doc_table

    path = tmp_path / "index"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    engine = SearchEngine.open(path)
    first = engine.search("camera an ninh").total
    saved = list(path.glob(doc_table_file.PREFIX + "*"))
    assert len(saved) == 1
    reader = engine.searcher().reader()
    _same_table(load_doc_table(reader, folder=path), read_doc_table(reader))

    engine.delete([2])  # a new generation: its own file, the old one removed, the deletion seen
    reopened = SearchEngine.open(path)
    assert reopened.search("camera an ninh").total == first - 1
    assert [p.name for p in path.glob(doc_table_file.PREFIX + "*")] != [p.name for p in saved]
    assert len(list(path.glob(doc_table_file.PREFIX + "*"))) == 1
    _same_table(load_doc_table(reopened.searcher().reader(), folder=path),
                read_doc_table(reopened.searcher().reader()))


def test_a_damaged_saved_table_is_read_again_from_the_index(tmp_path):
    from search_engine import doc_table_file

    path = tmp_path / "index"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    total = SearchEngine.open(path).search("an ninh").total
    for saved in path.glob(doc_table_file.PREFIX + "*"):
        saved.write_bytes(b"not an npz file")
    import search_engine.engine as engine_module

    engine_module._OPEN.clear()  # as a new process would
    assert SearchEngine.open(path).search("an ninh").total == total


@pytest.mark.parametrize("procs", ["1", "2"])
def test_term_tables_saved_beside_segments_answer_as_the_segments_do(tmp_path, monkeypatch, procs):
    """Lookups from the arrays saved with each segment equal Whoosh's own postings, for every term of
    every field, after a fresh build and after updates and deletions that merge segments."""
    import numpy as np
    from whoosh import index

    import search_engine.engine as engine_module
    from search_engine import term_tables
    from search_engine.postings import term_postings

    monkeypatch.setattr(engine_module, "BATCH_SIZE", 7)  # several segments
    monkeypatch.setenv("POLICEKB_INDEX_PROCS", procs)
    path = tmp_path / "index"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    assert len(list(path.glob(term_tables.PREFIX + "*"))) == -(-len(RECORDS) // 7)

    def check(engine):
        reader = engine.searcher().reader()
        tables = term_tables.TermIndex(reader, str(path))
        assert all(segment_tables is not None for segment_tables, _, _ in tables.segments)
        checked = 0
        for fieldname, term in reader.all_terms():
            term = term.decode("utf-8") if isinstance(term, bytes) else term
            fast_ids, fast_tfs = tables.postings(fieldname, term)
            slow_ids, slow_tfs = term_postings(reader, fieldname, term)
            order, slow_order = np.argsort(fast_ids), np.argsort(slow_ids)
            assert np.array_equal(fast_ids[order], slow_ids[slow_order]), (fieldname, term)
            assert np.array_equal(fast_tfs[order], slow_tfs[slow_order]), (fieldname, term)
            checked += 1
        assert checked > 400
        for absent in ("424242", "#424242", "KH1", "không có"):
            assert tables.postings("text_f", absent)[0].size == 0

    check(SearchEngine.open(path))
    engine = SearchEngine.open(path)
    engine.add([record(2, "Diễn Châu lắp camera", "Kế hoạch số 77/KH-CAT, mô hình có 46 điểm.", number="77/KH-CAT")])
    engine.delete([3])
    reopened = SearchEngine.open(path)
    check(reopened)
    assert ids(reopened, "77/KH-CAT") == [2]
    assert ids(reopened, "953/KH-BCĐ-CAT") == [1]
    live = {p.name[len(term_tables.PREFIX):] for p in path.glob(term_tables.PREFIX + "*")}
    assert live == {s.segment_id() for s in reopened.ix._segments()}

    index.open_dir(str(path)).optimize()  # Whoosh's own writer: a segment without tables, read the old way
    optimized = SearchEngine.open(path)
    assert ids(optimized, "77/KH-CAT") == [2] and sorted(ids(optimized, "camera")) == [1, 2]


def test_a_search_asked_again_is_answered_from_the_generation_cache_until_something_changes(tmp_path):
    path = tmp_path / "index"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    engine = SearchEngine.open(path)
    groups, copies = {"model": {}}, {1: 1}
    first = engine.search("camera an ninh", groups=groups, copies=copies)
    assert engine.search("camera an ninh", groups=groups, copies=copies) is first
    assert engine.search("camera an ninh", {"province": "Nghệ An"}, groups=groups, copies=copies) is not first
    assert engine.search("camera an ninh", groups=groups, copies={1: 1}) is not first  # a new copies map
    engine.delete([2])  # this engine's index changed: nothing answered before is reused
    reopened = SearchEngine.open(path)
    again = reopened.search("camera an ninh", groups=groups, copies=copies)
    assert again is not first and again.total == first.total - 1
    assert engine.search("camera an ninh", groups=groups, copies=copies) is not first


def test_a_search_survives_a_merge_that_deletes_the_segments_it_opened(tmp_path, monkeypatch):
    """A writer (an update, `index --optimize`) may merge away segments while a server holds them open:
    hits still come with their titles and texts, from the files opened or from the index as it now is."""
    from whoosh import index

    monkeypatch.setattr("search_engine.engine.BATCH_SIZE", 4)
    path = tmp_path / "ix"
    SearchEngine.create(path).add(RECORDS, fresh=True)
    engine = SearchEngine(index.open_dir(str(path)))  # not the process-wide engine: a server of its own
    engine.searcher()
    assert len(engine.ix._segments()) > 1
    index.open_dir(str(path)).optimize()  # one segment; the files of the others are deleted
    assert len(index.open_dir(str(path))._segments()) == 1
    hits = engine.search("camera").hits
    assert sorted(h.id for h in hits) == [1, 2] and all(h.title for h in hits)


def test_fresh_batches_are_evened_out_over_the_processes():
    from search_engine.engine import balanced_batch_size

    assert balanced_batch_size(20_000, 2, 4000) == 3334  # 6 batches, 3 for each process, not 5
    assert balanced_batch_size(8000, 2, 4000) == 4000
    assert balanced_batch_size(8001, 2, 4000) == 2001
    assert balanced_batch_size(None, 2, 4000) == balanced_batch_size(20_000, 1, 4000) == 4000
    assert balanced_batch_size(300, 2, 4000) == 500  # a small index is one batch


def test_the_engine_runs_without_the_web_app():
    """search_engine is its own room: building and querying an index pulls in neither Flask nor search_app."""
    import subprocess
    import sys

    code = ("import sys, search_engine.engine, search_engine.parallel_index, search_engine.query; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'search_app', 'werkzeug')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
