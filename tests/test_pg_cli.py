"""The commands against a PostgreSQL knowledge base chosen with --database: import, index, the
served app, and two reextract processes sharing the work through claimed jobs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from corpus import Store
from policekb.cli import main
from tests.conftest import write_corpus
from tests.pgserver import pg_server, pg_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


def test_import_index_and_search_a_postgresql_knowledge_base(tmp_path, pg_url, capsys):
    docs = write_corpus(tmp_path / "docs")
    home = tmp_path / "home"
    assert main(["--home", str(home), "--database", pg_url, "import", str(docs)]) == 0
    out = capsys.readouterr().out
    assert "postgresql://" in out and "search index built" in out
    assert not (home / "policekb.sqlite3").exists()  # the home folder holds only the index
    from search_app import create_app

    client = create_app({"DATABASE": pg_url, "INDEX": str(home / "index"), "TESTING": True}).test_client()
    page = client.get("/?q=camera an ninh")
    assert page.status_code == 200 and "Camera an ninh" in page.get_data(as_text=True)
    hit = client.get("/api/search?q=camera").get_json()["results"][0]
    assert client.get(f"/documents/{hit['id']}").status_code == 200
    assert client.get("/models/").status_code == 200


def test_a_url_that_is_not_postgresql_is_refused(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "--database", "mysql://x@y/z", "import", str(tmp_path)]) == 2
    assert "not a PostgreSQL URL" in capsys.readouterr().err


def facts_of(store: Store) -> dict:
    """Each document's facts without their row ids (replaced facts are new rows)."""
    return {row["id"]: {table: [{k: v for k, v in fact.items() if k != "id"} for fact in facts]
                        for table, facts in store.facts(row["id"]).items()} for row in store.documents()}


def test_two_reextract_processes_share_the_documents(tmp_path, pg_url):
    docs = write_corpus(tmp_path / "docs")
    assert main(["--home", str(tmp_path / "h"), "--database", pg_url, "import", str(docs)]) == 0
    with Store(pg_url) as store:
        total = store.count_documents()
        before = facts_of(store)
    command = [sys.executable, "-m", "policekb.cli", "--home", str(tmp_path / "h"), "--database", pg_url, "reextract"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    counts = [int(out.split("re-extracted ")[1].split()[0]) for out, _ in outputs]
    assert sum(counts) == total  # every document once, whichever process claimed it
    with Store(pg_url) as store:
        assert facts_of(store) == before
        assert store.conn.execute("SELECT count(*) FROM extraction_jobs").fetchone()[0] == 0


def test_a_web_node_keeps_its_own_index_in_step_with_what_other_machines_store(tmp_path, pg_url):
    import json
    import signal
    import time
    import urllib.parse
    import urllib.request

    from policekb.pipeline import import_paths
    from tests.test_browser import free_port, wait_for_url

    docs = write_corpus(tmp_path / "docs")
    node = tmp_path / "node"
    assert main(["--home", str(node), "--database", pg_url, "import", str(docs)]) == 0
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(node), "--database", pg_url,
                               "serve", "--port", str(port), "--sync-every", "0.5"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        search = f"http://127.0.0.1:{port}/api/search?q=" + urllib.parse.quote("Tiếng kẻng Mường Lát")
        assert json.loads(wait_for_url(search))["total"] == 0
        assert "Camera an ninh" in wait_for_url(f"http://127.0.0.1:{port}/?q=camera").decode()  # groups now cached
        elsewhere = tmp_path / "crawler"  # another machine: it writes the database, not this node's index
        elsewhere.mkdir()
        (elsewhere / "keng.txt").write_text("Mô hình “Tiếng kẻng an ninh” ở Mường Lát\n\nHuyện Mường Lát nhân rộng "
                                            "mô hình “Tiếng kẻng an ninh” tại 12 bản.", encoding="utf-8")
        with Store(pg_url) as store:
            import_paths(store, [elsewhere])
        deadline = time.time() + 60
        while time.time() < deadline and json.loads(urllib.request.urlopen(search).read())["total"] == 0:
            time.sleep(0.3)
        assert json.loads(urllib.request.urlopen(search).read())["total"] == 1
        facets = json.loads(urllib.request.urlopen(search).read())["facets"]["model"]
        assert [f["label"] for f in facets] == ["Tiếng kẻng an ninh"]  # the model groups were not kept stale
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert "search index updated" in err and "Traceback" not in err


def test_what_the_app_caches_from_a_server_database_is_renewed_when_it_changes(tmp_path, pg_url):
    from policekb.pipeline import import_paths
    from search_app import create_app
    from search_app.model_data import _file_stamp, copy_clusters

    docs = write_corpus(tmp_path / "docs")
    with Store(pg_url) as store:
        import_paths(store, [docs])
    app = create_app({"DATABASE": pg_url, "INDEX": str(tmp_path / "index"), "TESTING": True})
    with app.test_request_context("/"):
        before = _file_stamp(pg_url)
        copies = copy_clusters()
    twin = tmp_path / "twin"
    twin.mkdir()
    original = sorted(docs.glob("*.txt"))[0]
    (twin / original.name).write_bytes(original.read_bytes())  # a copy of one document, from elsewhere
    with Store(pg_url) as store:
        import_paths(store, [twin])
    with app.test_request_context("/"):
        assert _file_stamp(pg_url) != before
        assert len(copy_clusters()) > len(copies)  # the copy is now known to the search page
