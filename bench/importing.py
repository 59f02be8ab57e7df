"""Import throughput: `policekb import` of generated 600-word .txt files.

Prints documents/s and peak memory for the store step alone (read, extract, near-duplicate
signature, save; one process, one core) and for the whole command as users run it (which
then builds the search index), with the share of time per stage from cProfile.

Run: .venv/bin/python bench/importing.py [--docs 5000] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extraction import article  # noqa: E402

STAGES = {"extract": "nlp/extraction.py", "dedup": "ingest/dedup.py", "store": "corpus/store.py",
          "read": "ingest/readers.py", "derived": "corpus/derived.py"}


def write_files(folder: Path, count: int) -> None:
    rng = random.Random(5)
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"bai-{i:06d}.txt").write_text(f"Tin số {i}\n\n{article(rng)}", encoding="utf-8")


def store_step(files: Path, home: Path, profile: bool) -> tuple[float, pstats.Stats | None]:
    from corpus import Store
    from policekb.pipeline import import_paths

    profiler = cProfile.Profile() if profile else None
    with Store(home / "policekb.sqlite3") as store:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = import_paths(store, [files])
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
    assert not report.failed, report.failed[:3]
    return seconds, pstats.Stats(profiler) if profiler else None


def stage_shares(stats: pstats.Stats) -> dict[str, float]:
    total = max(stats.total_tt, 1e-9)
    shares = {}
    for name, suffix in STAGES.items():
        cumulative = [ct for (file, _, _), (_, _, _, ct, _) in stats.stats.items() if file.endswith(suffix)]
        shares[name] = max(cumulative, default=0.0) / total
    return shares


def whole_command(files: Path, home: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "policekb.cli", "--home", str(home), "import", str(files)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="also print the share of time per stage")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="policekb-import-"))
    try:
        write_files(work / "files", args.docs)
        from nlp import extract
        from ingest.document import Document

        extract(Document(source="warm", text=article(random.Random(1)), media_type="text/plain", content_hash="",
                         title=None, published=None))  # models load outside the timing, as in bench/extraction.py
        seconds, stats = store_step(work / "files", work / "home", args.profile)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.docs} generated .txt files of 600 words")
        print(f"import into the store (one process): {args.docs / seconds:.0f} docs/s, peak memory {peak:.0f} MB "
              f"(target >= 150 docs/s)")
        if stats:
            print("  cumulative share: " + ", ".join(f"{k} {v:.0%}" for k, v in stage_shares(stats).items()))
        seconds = whole_command(work / "files", work / "home2")
        print(f"`policekb import` as users run it (store, then the search index): {args.docs / seconds:.0f} docs/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
