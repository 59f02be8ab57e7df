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
