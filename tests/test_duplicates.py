"""Near-duplicates are linked both ways in the store when documents are imported."""
from corpus import Store
from corpus.duplicates import DuplicateLinks
from policekb.cli import samples_dir
from policekb.pipeline import import_paths

ORIGINAL = samples_dir() / "articles" / "bai-09-bac-giang-lien-gia-lang-giang.txt"
OTHER = samples_dir() / "articles" / "bai-10-quang-tri-gio-linh-ngu-dan.txt"


def write_corpus(folder):
    folder.mkdir()
    text = ORIGINAL.read_text(encoding="utf-8")
    (folder / "original.txt").write_text(text, encoding="utf-8")
    body = text.split("\n", 2)[2]  # another portal: its own headline and date line, a source line
    (folder / "repost.txt").write_text("Bắc Giang: nhân rộng tổ liên gia\nCập nhật: 20/04/2023\n" + body
                                       + "\nNguồn: Công an tỉnh Bắc Giang\n", encoding="utf-8")
    (folder / "other.txt").write_text(OTHER.read_text(encoding="utf-8"), encoding="utf-8")


def test_reposted_article_is_linked_not_dropped(tmp_path):
    write_corpus(tmp_path / "docs")
    with Store(tmp_path / "kb.sqlite3") as store:
        report = import_paths(store, [tmp_path / "docs"])
        assert len(report.added) == 3  # the repost stays a document of its own
        ids = {p.rsplit("/", 1)[-1]: i for p, i in zip(report.added, report.document_ids)}
        links = DuplicateLinks(store)
        original = links.links(ids["original.txt"])
        assert [l["id"] for l in original] == [ids["repost.txt"]] and original[0]["similarity"] >= 0.8
        assert [l["id"] for l in links.links(ids["repost.txt"])] == [ids["original.txt"]]
        assert links.links(ids["other.txt"]) == []


def test_links_survive_reopening_and_reimport(tmp_path):
    write_corpus(tmp_path / "docs")
    path = tmp_path / "kb.sqlite3"
    with Store(path) as store:
        import_paths(store, [tmp_path / "docs"])
    with Store(path) as store:
        import_paths(store, [tmp_path / "docs"])  # unchanged: no new links, none lost
        assert store.conn.execute("SELECT count(*) FROM near_duplicates").fetchone()[0] == 2


def test_signatures_of_an_older_version_are_recomputed_and_still_find_reposts(tmp_path):
    """Migration 10: a store whose signatures are of an older kind (here: all alike, as no
    signature of the current kind is) gets them recomputed, and a repost imported afterwards is
    linked to the original imported before."""
    import json
    import sqlite3

    from corpus.schema import MIGRATIONS
    from ingest.dedup import signature

    write_corpus(tmp_path / "docs")
    (tmp_path / "later").mkdir()
    (tmp_path / "docs" / "repost.txt").rename(tmp_path / "later" / "repost.txt")
    path = tmp_path / "kb.sqlite3"
    with Store(path) as store:
        report = import_paths(store, [tmp_path / "docs"])
        ids = {p.rsplit("/", 1)[-1]: i for p, i in zip(report.added, report.document_ids)}
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE document_signatures SET signature = ?", (json.dumps([7] * 128),))
        conn.execute("PRAGMA user_version = 9")
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        for doc_id, sig in store.conn.execute("SELECT document_id, signature FROM document_signatures"):
            assert json.loads(sig) == list(signature(store.get_document(doc_id)["text"]))
        report = import_paths(store, [tmp_path / "later"])
        links = DuplicateLinks(store).links(report.document_ids[0])
        assert [l["id"] for l in links] == [ids["original.txt"]] and links[0]["similarity"] >= 0.8


def test_estimated_similarity_tracks_the_exact_jaccard_of_the_word_runs():
    """The hashed words are fold_words' words, and the MinHash estimate follows the exact Jaccard
    similarity of the 5-word runs (as strings, no hashing) as texts drift apart."""
    import random

    from ingest.dedup import fold_words, signature, similarity, word_hashes

    def runs(text):
        words = fold_words(text)
        return {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}

    rng = random.Random(3)
    texts = [p.read_text(encoding="utf-8") for p in sorted((samples_dir() / "articles").glob("*.txt"))]
    vocabulary = [w for text in texts for w in text.split()]
    errors = []
    for text in texts:
        hashes = dict(zip(fold_words(text), word_hashes(text).tolist()))
        assert len(set(hashes.values())) == len(hashes)  # one hash per distinct word, none shared
        for percent in (0, 2, 5, 10, 30):
            words = text.split()
            for i in rng.sample(range(len(words)), len(words) * percent // 100):
                words[i] = rng.choice(vocabulary)
            changed = " ".join(words)
            a, b = runs(text), runs(changed)
            errors.append(similarity(signature(text), signature(changed)) - len(a & b) / len(a | b))
    assert max(map(abs, errors)) < 0.15
    assert (sum(e * e for e in errors) / len(errors)) ** 0.5 < 0.06  # sqrt(J(1-J)/128) is at most 0.044


def test_an_interrupted_import_stores_what_was_parsed_and_a_failed_batch_stores_nothing(tmp_path):
    """Documents are written in batches: an interruption (Ctrl-C, a lost worker) after some files
    still stores those parsed before it; a batch that fails is rolled back whole, and the links
    found afterwards are those of the stored documents only."""
    import pytest

    from ingest import read_path
    from policekb.runners import LocalRunner

    write_corpus(tmp_path / "docs")

    class Interrupted(LocalRunner):
        def map(self, fn, items):
            for number, result in enumerate(super().map(fn, items)):
                if number == 2:
                    raise KeyboardInterrupt
                yield result

    with Store(tmp_path / "kb.sqlite3") as store:
        with pytest.raises(KeyboardInterrupt):
            import_paths(store, [tmp_path / "docs"], runner=Interrupted())
        assert sorted(d["source"].rsplit("/", 1)[-1] for d in store.documents()) == ["original.txt", "other.txt"]
        links = DuplicateLinks(store)
        repost = read_path(tmp_path / "docs" / "repost.txt")
        repost.source = "repost"
        with pytest.raises(TypeError):  # the second document's facts cannot be written: neither is stored
            links.save_all([(repost, b"raw", None), (repost, b"raw", {"figures": [None]})])
        assert store.count_documents() == 2 and "repost" not in {d["source"] for d in store.documents()}
        assert links._index is None  # what it held of the rolled-back batch is read again from the store
        saved = links.save(repost, b"raw")
        assert [link["source"].rsplit("/", 1)[-1] for link in links.links(saved)] == ["original.txt"]
        with store.conn:
            store.conn.execute("DELETE FROM documents WHERE id = ?", (saved,))
        report = import_paths(store, [tmp_path / "docs"])
        assert report.unchanged and len(report.added) == 1
        [(linked, _)] = store.conn.execute("SELECT other_id, similarity FROM near_duplicates "
                                           "WHERE document_id = ?", (report.document_ids[0],)).fetchall()
        assert store.get_document(linked)["source"].endswith("original.txt")


def test_saving_a_document_looks_its_links_up_by_index(tmp_path):
    """Replacing a document's links once read the whole near_duplicates table (an OR over two
    columns, one unindexed) for every document saved: slow imports once a corpus has many reposts."""
    write_corpus(tmp_path / "docs")
    with Store(tmp_path / "kb.sqlite3") as store:
        statements = []
        store.conn.set_trace_callback(statements.append)
        try:
            import_paths(store, [tmp_path / "docs"])
        finally:
            store.conn.set_trace_callback(None)
        touching = [s for s in statements if "near_duplicates" in s and " WHERE " in s.upper()]  # (rebuilds read all)
        assert any(s.lstrip().upper().startswith("DELETE") for s in touching)
        for statement in touching:
            plan = " ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + statement))
            assert "SCAN near_duplicates" not in plan, (statement, plan)
