"""Crawl and parse throughput on the local fixture portal (tests/portal.py), delay 0.

Prints pages/s fetched and parsed end to end (fetch, store bytes, parse, extract,
save), then parse-only pages/s over the stored pages (no network), with and
without fact extraction. Target: parsing >= 200 pages/s, so the per-host delay,
not parsing, bounds a real crawl. Run: .venv/bin/python bench/crawl.py [PASSES]"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import Store  # noqa: E402
from corpus.crawlstate import CrawlState  # noqa: E402
from ingest import read_bytes  # noqa: E402
from ingest.fetch import Fetcher, FetchPolicy  # noqa: E402
from ingest.sources import load_sources  # noqa: E402
from nlp import extract  # noqa: E402
from policekb.crawling import crawl  # noqa: E402
from tests.portal import Portal, html, make_pdf, sources_toml  # noqa: E402


def crawl_portal(folder: Path) -> tuple[int, float, Path]:
    portal = Portal(specials=False).start()
    try:
        (folder / "sources.toml").write_text(sources_toml(portal, delay=0.0), encoding="utf-8")
        fetcher = Fetcher(FetchPolicy(default_delay=0.0, timeout=5.0))
        with Store(folder / "kb.sqlite3") as store:
            start = time.perf_counter()
            report = crawl(store, load_sources(folder / "sources.toml"), fetcher=fetcher)
            elapsed = time.perf_counter() - start
    finally:
        portal.stop()
    return report.stats["portal"].fetched, elapsed, folder / "kb.sqlite3"


def stored_pages(db: Path) -> list[tuple[str, bytes, str]]:
    with Store(db) as store:
        state = CrawlState(store)
        return [(r.url, state.blob(r.content_hash), r.media_type) for r in state.records()
                if r.media_type in ("text/html", "application/pdf")]


def parse_rate(pages: list[tuple[str, bytes, str]], passes: int, with_extraction: bool) -> float:
    start = time.perf_counter()
    for _ in range(passes):
        for url, data, media_type in pages:
            document = read_bytes(data, url, media_type)
            if with_extraction:
                extract(document)
    return passes * len(pages) / (time.perf_counter() - start)


def main(passes: int = 5) -> None:
    # first-use imports and model loading stay outside the timings
    extract(read_bytes(html("Cam Lộ", "<p>Công an xã Cam Hiếu lắp 45 camera.</p>").encode(), "warm-up", "text/html"))
    read_bytes(make_pdf(6), "warm-up.pdf", "application/pdf")
    with tempfile.TemporaryDirectory() as tmp:
        fetched, elapsed, db = crawl_portal(Path(tmp))
        pages = stored_pages(db)
        print(f"crawl (fetch + store + parse + extract + save, delay 0): {fetched} pages in {elapsed:.2f} s "
              f"= {fetched / elapsed:.1f} pages/s")
        for media_type in ("text/html", "application/pdf"):
            chosen = [p for p in pages if p[2] == media_type]
            print(f"{media_type} ({len(chosen)} stored pages x {passes}): parse only "
                  f"{parse_rate(chosen, passes, False):.1f} pages/s, parse + extract "
                  f"{parse_rate(chosen, passes, True):.1f} pages/s")
        print(f"all stored pages: parse only {parse_rate(pages, passes, False):.1f} pages/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
