"""Migrations on a knowledge base written by an earlier version: nothing lost, derived data rebuilt."""
import json
import sqlite3

from corpus import Store, derived
from corpus.schema import MIGRATIONS
from ingest.dedup import signature
from policekb.pipeline import import_paths


def test_old_signatures_are_recomputed_and_derived_tables_built(tmp_path, corpus_dir):
    path = tmp_path / "kb.sqlite3"
    with Store(path) as store:
        assert not import_paths(store, [corpus_dir]).failed
        documents = store.count_documents()
    conn = sqlite3.connect(path)
    with conn:  # as an earlier version left it: version 5, a signature of the old kind, no derived rows
        conn.execute("UPDATE document_signatures SET signature = ?", (json.dumps([1] * 128),))
        conn.execute("PRAGMA user_version = 5")
        conn.execute("DELETE FROM replication")
        conn.execute("UPDATE derived_state SET dirty = 1")
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.count_documents() == documents
        for doc_id, sig in store.conn.execute("SELECT document_id, signature FROM document_signatures"):
            text = store.get_document(doc_id)["text"]
            assert json.loads(sig) == list(signature(text))
        assert derived.rebuild_if_stale(store)
        assert store.conn.execute("SELECT count(*) FROM replication").fetchone()[0] > 0
