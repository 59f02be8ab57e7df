"""Crawl glue: which sources file, bytes to documents, the progress bar, parsing stored pages again."""
from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from corpus import Store
from corpus.duplicates import DuplicateLinks
from corpus.crawlstate import CrawlState
from ingest import SUPPORTED_SUFFIXES, ParseError, read_bytes
from ingest.crawl import CrawlStats, Crawler, Handler, Outcome
from ingest.fetch import Fetcher
from ingest.sources import Source, SourceError, load_sources

PARSEABLE = frozenset(SUPPORTED_SUFFIXES.values())  # media types ingest.read_bytes parses


@dataclass
class CrawlReport:
    stats: dict[str, CrawlStats] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def document_ids(self) -> list[int]:
        return sorted({i for s in self.stats.values() for i in s.document_ids})


def sources_path(home_root: Path, option: str | None = None) -> Path:
    """--sources FILE, else sources.toml in the home folder, else the packaged default."""
    if option:
        return Path(option).expanduser()
    if (home_root / "sources.toml").is_file():
        return home_root / "sources.toml"
    return Path(str(resources.files("policekb").joinpath("sources.toml")))


def select_sources(sources: list[Source], name: str | None) -> list[Source]:
    if name is None:
        return sources
    chosen = [s for s in sources if s.name == name]
    if not chosen:
        raise SourceError(f"no source named {name!r}; known: {', '.join(s.name for s in sources)}")
    return chosen


def document_handler(store: Store, since: str | None = None) -> Handler:
    """Parse, extract and save; article pages published before `since` (YYYY-MM-DD) are not saved."""
    from nlp import extract  # loads the NLP resources on first use

    links = DuplicateLinks(store)

    def handle(url: str, data: bytes, media_type: str, kind: str) -> Outcome:
        if media_type not in PARSEABLE:
            return Outcome("kept_raw", error=f"no parser for {media_type}; the bytes are kept")
        try:
            document = read_bytes(data, url, media_type)
        except ParseError as exc:
            return Outcome("parse_error", error=str(exc))
        if _older(document.published, since, kind):
            return Outcome("too_old", error=f"published {document.published}, before {since}")
        extraction = extract(document).as_dict()
        if _older(extraction.get("published"), since, kind):  # a date only the extractor found
            return Outcome("too_old", error=f"published {extraction['published']}, before {since}")
        doc_id = store.save_document(document, data, extraction)
        links.record(doc_id, document.text)  # reposts of one press release are linked, not dropped
        return Outcome("stored", doc_id)

    return handle


def _older(published: str | None, since: str | None, kind: str) -> bool:
    """--since applies to article pages; files attached to a recent article are kept whatever their date."""
    return bool(since and kind == "article" and published and published < since)


def crawl(store: Store, sources: list[Source], since: str | None = None, max_pages: int | None = None,
          fetcher: Fetcher | None = None, on_progress: Callable[[CrawlStats], None] | None = None) -> CrawlReport:
    """Crawl each source in turn; Ctrl-C stops cleanly and the report says so (the next run resumes)."""
    fetcher = fetcher or Fetcher()
    state, handle, report = CrawlState(store), document_handler(store, since), CrawlReport()
    with StopRequest() as stop:
        for source in sources:
            with ProgressBar(source.name) as show:
                crawler = Crawler(source, fetcher, state, handle, max_pages, _all(show, on_progress, stop.check))
                report.stats[source.name] = crawler.stats
                try:
                    crawler.run()
                except KeyboardInterrupt:
                    report.interrupted = True
                    break
    return report


def reparse(store: Store, source: str | None = None, since: str | None = None) -> CrawlStats:
    """Parse the stored article pages and attachments again, without the network."""
    state, handle, stats = CrawlState(store), document_handler(store, since), CrawlStats()
    for record in state.records(source):
        outcome = handle(record.url, state.blob(record.content_hash), record.media_type, record.kind)
        state.update_outcome(record.url, outcome.status, outcome.error, outcome.document_id)
        if outcome.status == "stored":
            stats.stored += 1
            stats.document_ids.append(outcome.document_id)
        elif outcome.status == "parse_error":
            stats.failed += 1
    return stats


class ProgressBar:
    """A tqdm bar on a terminal (fetched, queued, failed, rate); nothing when stderr is not a tty."""

    def __init__(self, name: str):
        self.name, self.bar, self.seen = name, None, 0

    def __enter__(self) -> Callable[[CrawlStats], None]:
        if sys.stderr.isatty():
            from tqdm import tqdm

            sized = _terminal_width() > 0  # tqdm draws nothing on a pty that reports no window size
            self.bar = tqdm(desc=self.name, unit="page", file=sys.stderr, dynamic_ncols=sized,
                            **({} if sized else {"ncols": 100, "nrows": 24}))
        return self.show

    def show(self, stats: CrawlStats) -> None:
        if self.bar is None:
            return
        self.bar.update(stats.fetched - self.seen)
        self.seen = stats.fetched
        self.bar.set_postfix(queued=stats.queued, failed=stats.failed, stored=stats.stored, refresh=False)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        return 0


class StopRequest:
    """The first Ctrl-C stops the crawl once the page in hand is recorded, so no fetched page is
    fetched again on resume; a second Ctrl-C stops at once."""

    def __init__(self):
        self.requested, self._previous = False, None

    def __enter__(self) -> "StopRequest":
        if threading.current_thread() is threading.main_thread():  # signal handlers live there only
            self._previous = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def _interrupt(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("\nstopping after the current page (Ctrl-C again to stop now)", file=sys.stderr, flush=True)

    def check(self, stats: CrawlStats) -> None:
        if self.requested:
            raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _all(*callbacks: Callable[[CrawlStats], None] | None) -> Callable[[CrawlStats], None]:
    chosen = [c for c in callbacks if c is not None]

    def call(stats: CrawlStats) -> None:
        for callback in chosen:
            callback(stats)

    return call


def load_selected(path: Path, name: str | None) -> list[Source]:
    return select_sources(load_sources(path), name)
