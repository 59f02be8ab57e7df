"""Everything the store does, on both backends: the SQLite file and a PostgreSQL server that the
suite starts itself (tests/pgserver.py; skipped with the reason where PostgreSQL is missing)."""
from __future__ import annotations

import json
import threading

import pytest

from corpus import NotFound, Store, answers, derived
from corpus.backend import integrity_errors, operational_errors
from corpus.crawlstate import CrawlState, FetchRecord
from corpus.duplicates import DuplicateLinks
from corpus.schema import MIGRATIONS
from ingest import read_path
from ingest.dedup import signature
from ingest.document import content_hash
from nlp import EXTRACTOR_VERSION, extract
from policekb.cli import samples_dir
from policekb.config import resolve_home
from policekb.pipeline import import_paths, reextract
from tests.pgserver import pg_server, pg_url, shared_server  # noqa: F401 - fixtures

BACKENDS = ["sqlite", "postgresql"]


def new_target(backend: str, folder) -> str:
    return str(folder / "kb.sqlite3") if backend == "sqlite" else shared_server().create_database()


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path) -> str:
    return new_target(request.param, tmp_path)


@pytest.fixture
def store(target):
    with Store(target) as s:
        yield s


def samples() -> list:
    """The bundled text and HTML samples (the PDFs need OCR: slow, and no different to the store)."""
    return sorted(p for p in samples_dir().rglob("*") if p.suffix in (".txt", ".html"))


# --- documents, raw content, facts ------------------------------------------------
def test_document_raw_bytes_and_facts_with_provenance(store, corpus_dir):
    path = corpus_dir / "camera-cam-lo.txt"
    document = read_path(path)
    doc_id = store.save_document(document, path.read_bytes(), extract(document).as_dict())
    row = store.get_document(doc_id)
    assert row["text"] == document.text and row["published"] == "2024-03-12"
    assert row["extractor_version"] == EXTRACTOR_VERSION
    assert store.blob(row["content_hash"]) == path.read_bytes()
    facts = store.facts(doc_id)
    assert [r["number"] for r in facts["doc_refs"]] == ["245/KH-CAT-PV05"]
    count = next(c for c in facts["model_counts"] if c["value"] == 45)
    assert row["text"][count["start_offset"]:count["end_offset"]].startswith("45")
    assert count["sentence_start"] <= count["start_offset"] < count["end_offset"] <= count["sentence_end"]
    assert count["extractor_version"] == EXTRACTOR_VERSION and isinstance(count["value"], float)
    assert all(isinstance(m["mentions"], list) for m in facts["models"])
    with pytest.raises(NotFound):
        store.get_document(doc_id + 1000)
    with pytest.raises(NotFound):
        store.blob("0" * 64)


def test_saving_a_source_again_updates_it_in_place_and_blobs_are_kept_once(store, corpus_dir):
    path = corpus_dir / "camera-cam-lo.txt"
    document = read_path(path)
    first = store.save_document(document, path.read_bytes())
    imported_at = store.get_document(first)["imported_at"]
    document.title = "Tiêu đề mới"
    assert store.save_document(document, path.read_bytes()) == first
    row = store.get_document(first)
    assert row["title"] == "Tiêu đề mới" and row["imported_at"] == imported_at
    copy = read_path(path)
    copy.source = "https://example.invalid/ban-sao.html"
    other = store.save_document(copy, path.read_bytes())
    assert other != first and store.count_documents() == 2
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    assert store.is_unchanged(document.source, content_hash(path.read_bytes()))
    assert store.has_source(copy.source) and not store.has_source("nowhere")


def test_import_reimport_and_reextract(store, corpus_dir):
    first = import_paths(store, [corpus_dir])
    assert len(first.added) == 3 and not first.failed
    updated_at = [d["updated_at"] for d in store.documents()]
    again = import_paths(store, [corpus_dir])
    assert again.added == [] and len(again.unchanged) == 3
    assert [d["updated_at"] for d in store.documents()] == updated_at
    doc_id = first.document_ids[0]
    before = store.facts(doc_id)
    store.replace_facts(doc_id, {"extractor_version": "test", "figures": [{"value": 7, "unit": "tổ"}]})
    assert [(f["value"], f["unit"]) for f in store.facts(doc_id)["figures"]] == [(7, "tổ")]
    assert reextract(store) == 3
    assert _facts_without_ids(store.facts(doc_id)) == _facts_without_ids(before)


def test_replace_facts_is_atomic(store, corpus_dir):
    doc_id = import_paths(store, [corpus_dir / "camera-cam-lo.txt"]).document_ids[0]
    before = store.facts(doc_id)
    with pytest.raises(integrity_errors()):
        store.replace_facts(doc_id, {"extractor_version": "x", "figures": [{"value": None, "unit": "hộ"}]})
    assert store.facts(doc_id) == before
    store.replace_facts(doc_id, {"extractor_version": "y"})  # the connection is usable after the failure
    assert store.facts(doc_id)["models"] == []


def test_readonly_store_reads_and_refuses_writes(target, corpus_dir):
    with Store(target) as s:
        import_paths(s, [corpus_dir])
    with Store(target, readonly=True) as ro:
        assert ro.count_documents() == 3
        with pytest.raises(Exception) as error:
            ro.replace_facts(1, {"extractor_version": "x"})
        assert not isinstance(error.value, NotFound)


@pytest.mark.parametrize("backend", BACKENDS)
def test_readonly_store_of_nothing_is_not_found(backend, tmp_path):
    target = new_target(backend, tmp_path)  # a file not there, or a database never migrated
    with pytest.raises(NotFound):
        Store(target, readonly=True)


def test_integrity_and_orphaned_content(store, corpus_dir):
    import_paths(store, [corpus_dir])
    assert store.integrity_problems() == [] and store.orphaned_blobs() == []
    orphan = CrawlState(store).save_blob(b"left behind", "text/plain")
    assert store.orphaned_blobs() == [orphan]
    store.delete_blobs([orphan])
    assert store.orphaned_blobs() == []


# --- crawl state --------------------------------------------------------------------
def test_crawl_state_frontier_records_and_raw_bytes(store):
    state = CrawlState(store)
    assert state.start("a", [("https://a.invalid/", "listing")]) is False
    assert state.enqueue("a", [("https://a.invalid/1.html", "article"), ("https://a.invalid/", "listing")], 1) == 1
    assert state.count("a", "queued") == 2
    entry = state.next_queued("a")
    assert (entry.url, entry.kind, entry.depth) == ("https://a.invalid/", "listing", 0)
    digest = state.save_blob(b"<html>1</html>", "text/html")
    assert state.save_blob(b"<html>1</html>", "text/html") == digest and state.blob(digest) == b"<html>1</html>"
    state.complete(FetchRecord("https://a.invalid/", "a", "listing", "fetched", 200, etag='"e1"'), "done")
    state.complete(FetchRecord("https://a.invalid/1.html", "a", "article", "fetched", 200, digest, "text/html"), "done")
    state.complete(FetchRecord("https://a.invalid/1.html", "a", "article", "stored", 200, digest, "text/html"), "done")
    assert state.count("a", "queued") == 0 and state.count("a", "done") == 2
    assert state.record("https://a.invalid/").etag == '"e1"'
    [record] = state.records("a")
    assert (record.url, record.status, record.content_hash) == ("https://a.invalid/1.html", "stored", digest)
    state.update_outcome(record.url, "parse_error", "bad", None)
    assert state.status_counts("a") == {"fetched": 1, "parse_error": 1}
    assert state.start("a", [("https://a.invalid/", "listing")]) is False  # a new round revisits the listing
    assert state.next_queued("a").url == "https://a.invalid/"
    assert state.start("a", [("https://a.invalid/", "listing")]) is True  # resumed: the listing is still queued
    with pytest.raises(LookupError):
        state.blob("0" * 64)


# --- near-duplicates ------------------------------------------------------------------
def test_near_duplicates_are_linked_both_ways_and_seen_across_writers(target, tmp_path):
    text = (samples_dir() / "articles" / "bai-09-bac-giang-lien-gia-lang-giang.txt").read_text(encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "original.txt").write_text(text, encoding="utf-8")
    (folder / "repost.txt").write_text("Bắc Giang: nhân rộng tổ liên gia\nCập nhật: 20/04/2023\n"
                                       + text.split("\n", 2)[2] + "\nNguồn: Công an tỉnh\n", encoding="utf-8")
    with Store(target) as first, Store(target) as second:
        links_first, links_second = DuplicateLinks(first), DuplicateLinks(second)
        links_second._loaded()  # the second writer read the signatures before the first stored any
        original = import_paths(first, [folder / "original.txt"]).document_ids[0]
        doc = read_path(folder / "repost.txt")
        repost = second.save_document(doc, (folder / "repost.txt").read_bytes())
        assert [m[0] for m in links_second.record(repost, doc.text)] == [original]
        assert [link["id"] for link in links_first.links(original)] == [repost]
        assert [link["id"] for link in links_first.links(repost)] == [original]
    with Store(target) as again:  # reopened and re-imported: no link lost, none doubled
        import_paths(again, [folder / "original.txt"])
        assert again.conn.execute("SELECT count(*) FROM near_duplicates").fetchone()[0] == 2


# --- derived tables and answers ---------------------------------------------------------
@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The samples imported into a SQLite file and into a PostgreSQL database."""
    shared_server()  # skips the tests that compare when there is no server
    stores = {}
    for backend in BACKENDS:
        store = Store(new_target(backend, tmp_path_factory.mktemp(backend)))
        report = import_paths(store, samples())
        assert not report.failed, report.failed
        stores[backend] = store
    yield stores
    for store in stores.values():
        store.close()


def test_replication_table_and_answers_are_the_same_on_both(both):
    sqlite, pg = both["sqlite"], both["postgresql"]
    for store in (sqlite, pg):
        assert not derived.is_stale(store)
    rows = answers.replication_rows(sqlite, include_all=True)
    assert rows and answers.replication_rows(pg, include_all=True) == rows
    assert answers.models(pg) == answers.models(sqlite)
    assert answers.copies(pg) == answers.copies(sqlite)
    some = [m["model_id"] for m in answers.models(sqlite)[:3]]
    assert answers.replication_rows(pg, some) == answers.replication_rows(sqlite, some)
    assert answers.model(pg, some[0]) == answers.model(sqlite, some[0])
    assert answers.find_models(pg, "camera") == answers.find_models(sqlite, "camera")
    assert list(answers.fact_rows(pg)) == list(answers.fact_rows(sqlite))
    ids = [1, 3, 5, 8]
    assert list(answers.fact_rows(pg, ids)) == list(answers.fact_rows(sqlite, ids))
    assert list(pg.export_rows(ids)) == list(sqlite.export_rows(ids))
    assert pg.places_of(ids) == sqlite.places_of(ids)


def test_questions_the_app_asks_are_answered_the_same_on_both(both):
    sqlite, pg = both["sqlite"], both["postgresql"]
    assert _same_documents(pg, sqlite)
    assert pg.model_variants() == sqlite.model_variants()
    assert pg.model_document_ids() == sqlite.model_document_ids()
    keys = sorted(pg.model_document_ids())[:4]
    assert pg.model_mentions(keys) == sqlite.model_mentions(keys)
    assert pg.model_documents(keys) == sqlite.model_documents(keys)
    number_keys = {r["number_key"] for d in sqlite.documents() for r in sqlite.facts(d["id"])["doc_refs"]}
    assert number_keys
    for key in sorted(number_keys):
        assert pg.citing(key) == sqlite.citing(key)
        assert pg.document_by_number(key) == sqlite.document_by_number(key)
    for doc_id in range(1, sqlite.count_documents() + 1):
        assert _facts_without_ids(pg.facts(doc_id)) == _facts_without_ids(sqlite.facts(doc_id))


def test_a_write_or_a_rebuild_during_a_rebuild_is_not_lost(target, corpus_dir, monkeypatch):
    with Store(target) as store, Store(target) as other:  # two processes, as it were
        import_paths(store, [corpus_dir])
        assert not derived.is_stale(store)
        build = derived.replication.build

        def write_meanwhile(facts):
            other.replace_facts(1, {"extractor_version": "x"})
            return build(facts)

        monkeypatch.setattr(derived.replication, "build", write_meanwhile)
        derived.rebuild(store)
        assert derived.is_stale(store)  # built from the facts before the write: still stale

        def rebuild_meanwhile(facts):
            monkeypatch.setattr(derived.replication, "build", build)
            derived.rebuild(other)
            return build(facts)

        monkeypatch.setattr(derived.replication, "build", rebuild_meanwhile)
        rows = derived.rebuild(store)  # the other rebuild committed first: its tables stay
        assert not derived.is_stale(store)
        assert rows == len(answers.replication_rows(store, include_all=True)) > 0


# --- migrations ----------------------------------------------------------------------------
def test_an_older_database_is_migrated_without_loss(target, corpus_dir):
    from corpus import schema

    with Store(target) as old:  # made as version 5 left it: no warnings, no jobs, old signatures
        assert not import_paths(old, [corpus_dir]).failed
        with old.conn:
            old.conn.execute("UPDATE document_signatures SET signature = ?", (json.dumps([1] * 128),))
            old.conn.execute("ALTER TABLE documents DROP COLUMN warnings")
            old.conn.execute("DROP TABLE extraction_jobs")
            if old.dialect == "sqlite":
                old.conn.execute("PRAGMA user_version = 5")
            else:
                old.conn.execute("DELETE FROM schema_version WHERE version > 5")
    with Store(target) as store:
        assert schema.version(store.conn) == len(MIGRATIONS)
        assert "warnings" in schema.columns(store.conn, "documents")
        assert store.count_documents() == 3
        for doc_id, sig in store.conn.execute("SELECT document_id, signature FROM document_signatures"):
            assert json.loads(sig) == list(signature(store.get_document(doc_id)["text"]))
        assert store.queue_extraction() == 3  # the newest table is there


def test_processes_opening_a_new_postgresql_database_at_once_migrate_it_once(pg_url):
    errors, versions = [], []

    def open_store():
        try:
            with Store(pg_url) as store:
                versions.append(store.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and versions == [len(MIGRATIONS)] * 4


# --- extraction jobs --------------------------------------------------------------------------
def test_extraction_jobs_are_claimed_once_and_finished_by_writing_facts(target, corpus_dir):
    with Store(target) as store, Store(target) as other:
        import_paths(store, [corpus_dir])
        assert store.queue_extraction(EXTRACTOR_VERSION) == 0  # all extracted by this version
        store.replace_facts(2, {"extractor_version": "old"})
        assert store.queue_extraction(EXTRACTOR_VERSION) == 1
        assert store.queue_extraction() == 3  # everything, the queued one once
        mine = store.claim_extraction_jobs(2, "a")
        theirs = other.claim_extraction_jobs(5, "b")
        assert [d["id"] for d in mine] == [1, 2] and [d["id"] for d in theirs] == [3]
        assert set(mine[0]) == {"id", "source", "text", "media_type", "content_hash"}
        assert other.claim_extraction_jobs(5, "b") == []
        store.replace_facts(1, {"extractor_version": EXTRACTOR_VERSION})
        # worker a died holding job 2: once its lease is over, job 2 is taken over; job 1 is done
        assert [d["id"] for d in other.claim_extraction_jobs(5, "b", lease=0)] == [2, 3]
        for document in other.extraction_jobs("b", batch=1, lease=0):
            other.replace_facts(document["id"], {"extractor_version": EXTRACTOR_VERSION})
        assert store.claim_extraction_jobs(5, "a", lease=0) == []


def test_workers_claiming_at_once_share_the_jobs_without_overlap(target, corpus_dir, tmp_path):
    for n in range(40):
        (corpus_dir / f"copy-{n}.txt").write_text(f"Bài {n}\n\nCông an xã vận động {n + 3} hộ tham gia.\n",
                                                  encoding="utf-8")
    with Store(target) as store:
        import_paths(store, [corpus_dir])
        total = store.queue_extraction()
    claimed: dict[str, list[int]] = {}

    def work(name: str) -> None:
        with Store(target) as mine:
            claimed[name] = [d["id"] for d in mine.extraction_jobs(name, batch=3)]

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [i for ids in claimed.values() for i in ids]
    assert sorted(everything) == list(range(1, total + 1))  # each job once, none left out


# --- selecting the backend ------------------------------------------------------------------
def test_database_url_is_chosen_by_option_then_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("POLICEKB_DATABASE", raising=False)
    home = resolve_home(str(tmp_path))
    assert home.database == tmp_path / "policekb.sqlite3" and not home.has_database()
    monkeypatch.setenv("POLICEKB_DATABASE", "postgresql://kb:secret@db.invalid/kb")
    home = resolve_home(str(tmp_path))
    assert home.database == "postgresql://kb:secret@db.invalid/kb" and home.index == tmp_path / "index"
    assert home.database_label == "postgresql://kb:***@db.invalid/kb"
    assert resolve_home(str(tmp_path), "postgresql:///other").database == "postgresql:///other"
    with pytest.raises(ValueError):
        resolve_home(str(tmp_path), "mysql://nope")


def test_home_with_a_postgresql_database_opens_it(pg_url, tmp_path, corpus_dir, monkeypatch):
    monkeypatch.setenv("POLICEKB_DATABASE", pg_url)
    home = resolve_home(str(tmp_path))
    assert not home.has_database()
    with Store(home.database) as store:
        import_paths(store, [corpus_dir])
    assert home.has_database() and not (tmp_path / "policekb.sqlite3").exists()


def _facts_without_ids(facts: dict) -> dict:
    return {table: [{k: v for k, v in row.items() if k not in ("id", "document_id")} for row in rows]
            for table, rows in facts.items()}


def _same_documents(a: Store, b: Store) -> bool:
    """The same documents but for the times they were written."""
    skip = ("imported_at", "updated_at", "extracted_at")
    strip = lambda d: {k: v for k, v in dict(d).items() if k not in skip}  # noqa: E731
    return [strip(d) for d in a.documents()] == [strip(d) for d in b.documents()]


def test_operational_errors_cover_both_backends():
    import sqlite3

    assert sqlite3.OperationalError in operational_errors()


def test_a_text_with_nul_characters_is_stored_alike_on_both(store, tmp_path):
    from ingest import read_path

    path = tmp_path / "nul.txt"
    raw = "Mô hình “Camera an ninh”\x00 ở xã Cam Lộ có 12 điểm.".encode("utf-8")
    path.write_bytes(raw)
    document = read_path(path)
    doc_id = store.save_document(document, raw, extract(document).as_dict())
    assert store.get_document(doc_id)["text"] == "Mô hình “Camera an ninh”\ufffd ở xã Cam Lộ có 12 điểm."
    assert store.blob(content_hash(raw)) == raw  # the bytes as they came
