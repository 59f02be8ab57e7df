"""Writers at once on one PostgreSQL database: two `crawl` processes of two local test portals
and an `import`, chosen by POLICEKB_DATABASE. Against the same three commands run one after the
other into a SQLite file: nothing lost, nothing duplicated."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import Store, derived
from policekb.cli import main
from tests import portal as site
from tests.conftest import write_corpus
from tests.pgserver import pg_server, pg_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
GENERATED = 30


@pytest.fixture
def portals():
    started = [site.Portal(specials=False).start() for _ in range(2)]
    yield started
    for portal in started:
        portal.stop()


def write_jobs(folder: Path, portals) -> tuple[list[Path], Path]:
    """A sources file per portal, and a folder of documents to import."""
    tomls = []
    for name, portal in zip(("portal-a", "portal-b"), portals):
        path = folder / f"{name}.toml"
        path.write_text(site.sources_toml(portal, name=name), encoding="utf-8")
        tomls.append(path)
    docs = write_corpus(folder / "docs")
    for n in range(GENERATED):
        title = f"Tin số {n}: mô hình “Camera an ninh” ở xã {n}\nThứ Hai, {1 + n % 28:02d}/03/2024, 08:00"
        body = f"Công an xã đã vận động {n + 10} hộ gia đình lắp đặt mô hình “Camera an ninh”."
        (docs / f"tin-{n}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return tomls, docs


def commands(homes: list[Path], tomls: list[Path], docs: Path) -> list[list[str]]:
    """The two crawls and the import, each with its home (where its search index is kept)."""
    return [[f"--home={homes[0]}", "crawl", "--sources", str(tomls[0])],
            [f"--home={homes[1]}", "crawl", "--sources", str(tomls[1])],
            [f"--home={homes[2]}", "import", str(docs)]]


def snapshot(store: Store) -> dict:
    """The knowledge base by natural keys (sources, URLs, hashes), with no ids or times."""
    q = lambda sql: sorted(tuple(r) for r in store.conn.execute(sql))  # noqa: E731
    sources = dict(q("SELECT id, source FROM documents"))
    facts = {}
    for table, columns in [("doc_refs", "number_key, type, is_own, start_offset"),
                           ("models", "model_key, start_offset"),
                           ("model_counts", "model_key, value, unit, place, start_offset"),
                           ("figures", "value, unit, start_offset"), ("places", "name, level, start_offset")]:
        facts[table] = sorted((sources[r[0]], *r[1:]) for r in q(f"SELECT document_id, {columns} FROM {table}"))
    return {
        "documents": q("SELECT source, content_hash, kind, title, published, number, text FROM documents"),
        "blobs": q("SELECT hash, size FROM blobs"),
        "fetches": q("SELECT url, source, kind, status, content_hash FROM crawl_fetches"),
        "frontier": q("SELECT url, source, kind, state FROM crawl_frontier"),
        "near_duplicates": sorted((sources[a], sources[b])
                                  for a, b in q("SELECT document_id, other_id FROM near_duplicates")),
        "signatures": sorted(sources[r[0]] for r in q("SELECT document_id FROM document_signatures")),
        "facts": facts,
    }


def test_two_crawls_and_an_import_at_once_lose_nothing_and_duplicate_nothing(pg_url, portals, tmp_path):
    tomls, docs = write_jobs(tmp_path, portals)
    env = {**os.environ, "POLICEKB_DATABASE": pg_url, "PYTHONPATH": str(ROOT)}
    running = [subprocess.Popen([sys.executable, "-m", "policekb.cli", *argv], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for argv in commands([tmp_path / f"home-{n}" for n in range(3)], tomls, docs)]
    outputs = [process.communicate(timeout=600) for process in running]
    for process, (out, err) in zip(running, outputs):
        assert process.returncode == 0, err[-3000:]

    reference = tmp_path / "reference"  # the same commands, one after the other, into its SQLite file
    for argv in commands([reference] * 3, tomls, docs):
        assert main(argv) == 0
    with Store(reference / "policekb.sqlite3") as sqlite, Store(pg_url) as pg:
        expected, found = snapshot(sqlite), snapshot(pg)
        assert len(expected["documents"]) == 2 * site.ARTICLES + 3 + GENERATED + _attachments(expected)
        for key in expected:
            assert found[key] == expected[key], key
        for table in ("documents", "crawl_fetches", "crawl_frontier", "document_signatures"):
            key = _key(table)
            assert pg.conn.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()[0] == 0, table
        derived.rebuild_if_stale(pg)  # the last writer's rebuild may have lost to an older one: then still stale
        assert not derived.is_stale(pg)


def _attachments(snapshot: dict) -> int:
    return sum(1 for source, *_ in snapshot["documents"] if not source.endswith(".html") and "://" in source)


def _key(table: str) -> str:
    return {"documents": "source", "crawl_fetches": "url", "crawl_frontier": "url",
            "document_signatures": "document_id"}[table]
