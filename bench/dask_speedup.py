"""Speed-up of the heavy stages on Dask workers, and import on PostgreSQL next to SQLite.

Prints, on this machine: `reextract` docs/s in this process and on a LocalCluster of 1 and 2
workers; OCR of scanned one-page PDFs (import) the same way; and `import` docs/s into SQLite and
into a throwaway PostgreSQL server (tests/pgserver.py; skipped when PostgreSQL is not installed).

Run: .venv/bin/python bench/dask_speedup.py [--docs 400] [--scans 6] [--workers 1,2]
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extraction import article  # noqa: E402


def write_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    rng = random.Random(5)
    for i in range(count):
        (folder / f"bai-{i:05d}.txt").write_text(f"Tin số {i}\n\n{article(rng)}", encoding="utf-8")
    return folder


def write_scans(folder: Path, count: int) -> Path:
    from pdf import scanned

    folder.mkdir(parents=True)
    for i in range(count):
        scanned(folder / f"scan-{i:03d}.pdf")
    return folder


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def runners(worker_counts: list[int]):
    from policekb.runners import DaskRunner, LocalRunner

    yield "this process", LocalRunner()
    for count in worker_counts:
        runner = DaskRunner(workers=count)
        try:
            yield f"Dask, {count} worker{'s' * (count > 1)}", runner
        finally:
            runner.close()


def bench_reextract(work: Path, files: Path, worker_counts: list[int]) -> None:
    from corpus import Store
    from policekb.pipeline import import_paths, reextract

    with Store(work / "reextract.sqlite3") as store:
        import_paths(store, [files])
        count = store.count_documents()
        base = None
        for label, runner in runners(worker_counts):
            reextract(store, runner=runner)  # warm: workers load the segmenter and the gazetteer
            seconds = timed(lambda: reextract(store, runner=runner))
            base = base or seconds
            print(f"  reextract, {label:<16} {count / seconds:7.1f} docs/s   speed-up {base / seconds:4.2f}x")


def bench_ocr(work: Path, scans: Path, worker_counts: list[int]) -> None:
    from corpus import Store
    from policekb.pipeline import import_paths

    count = len(list(scans.glob("*.pdf")))
    base = None
    for i, (label, runner) in enumerate(runners(worker_counts)):
        with Store(work / f"ocr-{i}.sqlite3") as store:
            seconds = timed(lambda: import_paths(store, [scans], runner=runner))
        base = base or seconds
        print(f"  OCR import, {label:<16} {seconds / count:7.2f} s/page    speed-up {base / seconds:4.2f}x")


def bench_postgres(work: Path, files: Path) -> None:
    from corpus import Store
    from policekb.pipeline import import_paths

    count = len(list(files.glob("*.txt")))
    with Store(work / "import.sqlite3") as store:
        seconds = timed(lambda: import_paths(store, [files]))
    print(f"  import into SQLite      {count / seconds:7.1f} docs/s")
    try:
        from tests import pgserver
    except ImportError:
        print("  import into PostgreSQL  skipped: tests/pgserver.py is not there")
        return
    reason = pgserver.unavailable()
    if reason:
        print(f"  import into PostgreSQL  skipped: {reason}")
        return
    url = pgserver.shared_server().create_database()
    with Store(url) as store:
        seconds = timed(lambda: import_paths(store, [files]))
    print(f"  import into PostgreSQL  {count / seconds:7.1f} docs/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--scans", type=int, default=6)
    parser.add_argument("--workers", default="1,2", help="worker counts to try, comma-separated")
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",") if n]
    work = Path(tempfile.mkdtemp(prefix="policekb-dask-"))
    try:
        files = write_articles(work / "files", args.docs)
        print(f"{args.docs} generated 600-word articles; {args.scans} scanned one-page PDFs")
        bench_reextract(work, files, worker_counts)
        if args.scans and shutil.which("tesseract"):
            bench_ocr(work, write_scans(work / "scans", args.scans), worker_counts)
        elif args.scans:
            print("  OCR: skipped, tesseract is not installed")
        bench_postgres(work, files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
