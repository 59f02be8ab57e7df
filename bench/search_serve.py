"""The serving side of bench/search.py, run in its own process so its peak memory is
the serving process's: reads queries (JSON) on stdin, prints latencies (JSON).

Usage: search_serve.py INDEX_DIR           (the policekb engine)
       search_serve.py --fts5 SQLITE_FILE  (the FTS5 baseline)"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ["POLICEKB_RESULT_CACHE"] = "0"  # every query is worked out: repeated queries would measure a lookup
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def engine_runner(index_dir: str):
    from search_engine.engine import SearchEngine

    engine = SearchEngine.open(index_dir)
    engine.table  # loads the per-document arrays, as the first request does

    def run(cls: str, query: dict) -> int:
        result = engine.search(query["q"], query.get("filters"), facets=cls == "faceted")
        return result.total
    return run


def fts5_runner(path: str):
    from bench_fts5 import FTS5Searcher

    searcher = FTS5Searcher(path)
    return lambda cls, query: searcher.search(query["q"], query.get("filters"), facets=cls == "faceted")


def _peak_mb() -> float:
    """VmHWM: this process's peak resident memory (ru_maxrss would include the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    queries = json.load(sys.stdin)
    if sys.argv[1] != "--fts5":
        import search_engine.engine  # noqa: F401 - the modules load outside the timing: "opened" is the index
    start = time.perf_counter()
    run = fts5_runner(sys.argv[2]) if sys.argv[1] == "--fts5" else engine_runner(sys.argv[1])
    open_ms = (time.perf_counter() - start) * 1000
    latency, hits = {}, {}
    for cls, items in queries.items():
        run(cls, items[0])  # warm the code path, not the data
        latency[cls], totals = [], []
        for query in items:
            t = time.perf_counter()
            totals.append(run(cls, query))
            latency[cls].append((time.perf_counter() - t) * 1000)
        hits[cls] = sum(totals) / max(len(totals), 1)
    peak_mb = _peak_mb()
    json.dump({"latency_ms": latency, "hits": hits, "open_ms": open_ms, "peak_mb": peak_mb}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
