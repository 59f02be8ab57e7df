"""Import and re-extraction on a Dask LocalCluster store what one process stores."""
from __future__ import annotations

import random

import pytest

from corpus import Store
from policekb.pipeline import import_paths, reextract

pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install 'dask[distributed]')")

MODELS = ["Camera an ninh", "Tổ liên gia tự quản", "Tiếng kẻng an ninh", "Zalo an ninh trật tự"]
PLACES = ["xã Diễn Hoa", "phường Hưng Bình", "thị trấn Đô Lương", "xã Kỳ Sơn"]


def article(rng: random.Random, i: int) -> str:
    model, place = rng.choice(MODELS), rng.choice(PLACES)
    return (f"Tin số {i}: {place} nhân rộng mô hình\n\n"
            f"Thực hiện Kế hoạch số {rng.randint(10, 900)}/KH-CAT ngày {rng.randint(1, 28)}/5/2023, "
            f"Công an {place} đã xây dựng mô hình “{model}”.\n\n"
            f"Đến nay, toàn {place} có {rng.randint(2, 90)} mô hình “{model}” hoạt động hiệu quả, "
            f"thu hút {rng.randint(100, 900)} hộ gia đình tham gia.")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    rng = random.Random(3)
    for i in range(14):
        (folder / f"bai-{i:02d}.txt").write_text(article(rng, i), encoding="utf-8")
    (folder / "bai-05-copy.txt").write_text((folder / "bai-05.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "trang.html").write_text("<html><head><title>Tổ liên gia</title></head><body><article><h1>Tổ liên gia"
                                       "</h1><p>" + article(rng, 99) + "</p></article></body></html>", encoding="utf-8")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is no pdf")  # fails alone
    (folder / "rong.txt").write_bytes(b"")  # fails alone
    return folder


def stored(store: Store) -> dict[str, tuple]:
    """Per source: the document's content and every fact, without ids."""
    out = {}
    for row in store.documents():
        facts = store.facts(row["id"])
        comparable = {table: sorted(repr(sorted((k, v) for k, v in fact.items() if k not in ("id", "document_id")))
                                    for fact in rows) for table, rows in facts.items()}
        out[row["source"]] = (row["content_hash"], row["text"], row["title"], repr(sorted(comparable.items())))
    return out


@pytest.fixture(scope="module")
def runner():
    from policekb.runners import DaskRunner

    with DaskRunner(workers=2) as dask_runner:
        yield dask_runner


def test_import_on_two_workers_stores_what_one_process_stores(tmp_path, files, runner):
    with Store(tmp_path / "one.sqlite3") as one, Store(tmp_path / "two.sqlite3") as two:
        alone = import_paths(one, [files])
        spread = import_paths(two, [files], runner=runner)
        assert sorted(spread.failed) == sorted(alone.failed)
        assert {path.rsplit("/", 1)[-1] for path, _ in spread.failed} == {"hong.pdf", "rong.txt"}
        assert len(spread.added) == len(alone.added) == 16
        assert stored(two) == stored(one)
        assert one.conn.execute("SELECT count(*) FROM near_duplicates").fetchone()[0] > 0  # the copy is linked
        assert two.conn.execute("SELECT document_id, other_id FROM near_duplicates ORDER BY 1, 2").fetchall() == \
            one.conn.execute("SELECT document_id, other_id FROM near_duplicates ORDER BY 1, 2").fetchall()
        again = import_paths(two, [files], runner=runner)
        assert len(again.unchanged) == 16 and not again.added


def test_reextract_on_workers_gives_the_same_facts(tmp_path, files, runner):
    with Store(tmp_path / "kb.sqlite3") as store:
        import_paths(store, [files])
        before = stored(store)
        store.conn.execute("DELETE FROM model_counts")
        store.conn.commit()
        assert stored(store) != before
        assert reextract(store, runner=runner) == 16
        assert stored(store) == before


def test_the_runner_reports_its_workers_and_dashboard(runner):
    assert "2 workers" in runner.description
    assert runner.dashboard.startswith("http")


def test_import_command_with_workers_prints_the_cluster_and_stores_every_good_file(tmp_path, files, capsys):
    from policekb.cli import main

    home = tmp_path / "home"
    code = main(["--home", str(home), "import", "--workers", "2", str(files)])
    out, err = capsys.readouterr()
    assert code == 1  # two files failed, and said so
    assert "running on Dask, 2 workers, dashboard http" in err
    assert "imported 16 new" in out and "2 failed" in out
    assert "hong.pdf" in err and "rong.txt" in err
    with Store(home / "policekb.sqlite3") as store:
        assert store.count_documents() == 16


def _dies_on_three(x: int) -> tuple[str, int]:
    import os

    if x == 3:
        os._exit(1)  # as a parser killed by the kernel would: the worker process is gone
    return "ok", x * 10


def test_a_job_that_kills_its_worker_fails_alone(runner):
    import dask

    from policekb.runners import Done, Job

    items = [Job((i,)) for i in range(6)] + [Done(("unchanged", None))]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        results = [value for _, value in runner.map(_dies_on_three, items)]
    assert results[:3] == [("ok", 0), ("ok", 10), ("ok", 20)]
    assert results[3][0] == "error" and "worker failed" in results[3][1]
    assert results[4:] == [("ok", 40), ("ok", 50), ("unchanged", None)]
