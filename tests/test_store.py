import sqlite3

import pytest

from corpus import NotFound, Store
from corpus.backend import integrity_errors
from ingest import read_path
from nlp import extract
from policekb.pipeline import import_paths, reextract
from tests.pgserver import shared_server


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The tests of the store API run on both backends (PostgreSQL: tests/pgserver.py)."""
    target = tmp_path / "kb.sqlite3" if request.param == "sqlite" else shared_server().create_database()
    with Store(target) as s:
        yield s


def test_round_trip_keeps_document_raw_bytes_and_facts(store, corpus_dir):
    path = corpus_dir / "camera-cam-lo.txt"
    document = read_path(path)
    doc_id = store.save_document(document, path.read_bytes(), extract(document).as_dict())
    row = store.get_document(doc_id)
    assert row["text"] == document.text
    assert row["published"] == "2024-03-12"
    assert row["author"] is None
    assert store.blob(row["content_hash"]) == path.read_bytes()
    facts = store.facts(doc_id)
    assert [r["number"] for r in facts["doc_refs"]] == ["245/KH-CAT-PV05"]
    assert {m["name"] for m in facts["models"]} == {"Camera an ninh"}
    assert any(c["value"] == 45 and c["unit"] == "điểm" for c in facts["model_counts"])
    start, end = facts["model_counts"][0]["start_offset"], facts["model_counts"][0]["end_offset"]
    assert row["text"][start:end].startswith("45")


def test_get_missing_document_raises_not_found(store):
    with pytest.raises(NotFound):
        store.get_document(999)


def test_reextraction_replaces_facts(store, corpus_dir):
    report = import_paths(store, [corpus_dir / "camera-cam-lo.txt"])
    doc_id = report.document_ids[0]
    store.replace_facts(doc_id, {"extractor_version": "test", "figures": [{"value": 7, "unit": "tổ", "text": "7 tổ"}]})
    facts = store.facts(doc_id)
    assert [(f["value"], f["unit"]) for f in facts["figures"]] == [(7, "tổ")]
    assert facts["models"] == [] and facts["doc_refs"] == []
    assert reextract(store) == 1
    assert {m["name"] for m in store.facts(doc_id)["models"]} == {"Camera an ninh"}


def test_replace_facts_is_atomic(store, corpus_dir):
    doc_id = import_paths(store, [corpus_dir / "camera-cam-lo.txt"]).document_ids[0]
    before = store.facts(doc_id)
    broken = {"extractor_version": "x", "figures": [{"value": None, "unit": "hộ"}]}  # NOT NULL violation
    with pytest.raises(integrity_errors()):
        store.replace_facts(doc_id, broken)
    assert store.facts(doc_id) == before


def test_unchanged_reimport_is_a_no_op(store, corpus_dir):
    first = import_paths(store, [corpus_dir])
    assert len(first.added) == 3
    updated_at = [d["updated_at"] for d in store.documents()]
    again = import_paths(store, [corpus_dir])
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 3
    assert [d["updated_at"] for d in store.documents()] == updated_at


def test_changed_file_is_updated_in_place(store, corpus_dir):
    path = corpus_dir / "camera-cam-lo.txt"
    import_paths(store, [path])
    path.write_text(path.read_text(encoding="utf-8") + "\nCó thêm 12 thôn tham gia.\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert len(report.updated) == 1 and store.count_documents() == 1


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty"),
    ("blank.html", b"   \n", "empty"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n", "damaged"),
    ("fake.pdf", b"this is not a pdf", "not a PDF"),
    ("data.xlsx", b"PK\x03\x04", "unsupported"),
])
def test_bad_input_gives_clear_error_and_leaves_store_intact(store, corpus_dir, tmp_path, name, content, reason):
    import_paths(store, [corpus_dir])
    before = [(d["id"], d["content_hash"]) for d in store.documents()]
    bad = tmp_path / name
    bad.write_bytes(content)
    report = import_paths(store, [bad])
    assert len(report.failed) == 1 and reason in report.failed[0][1]
    assert [(d["id"], d["content_hash"]) for d in store.documents()] == before


def test_database_is_wal_and_migrated(tmp_path):
    with Store(tmp_path / "kb.sqlite3") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_readonly_store_refuses_writes(tmp_path, corpus_dir):
    path = tmp_path / "kb.sqlite3"
    with Store(path) as s:
        import_paths(s, [corpus_dir])
    with Store(path, readonly=True) as ro:
        assert ro.count_documents() == 3
        with pytest.raises(sqlite3.OperationalError):
            ro.replace_facts(1, {"extractor_version": "x"})


def test_author_is_kept(store, corpus_dir):
    path = corpus_dir / "signed.txt"
    path.write_text("Tiêu đề bài viết về mô hình\n\nCông an xã vận động 25 hộ tham gia.\n\nBình Minh - Trần Nhung\n",
                    encoding="utf-8")
    doc_id = import_paths(store, [path]).document_ids[0]
    assert store.get_document(doc_id)["author"] == "Bình Minh - Trần Nhung"


def test_migrations_upgrade_an_older_database(tmp_path):
    from corpus.schema import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.close()
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert "author" in [r[1] for r in s.conn.execute("PRAGMA table_info(documents)")]
