"""Crawl glue: which sources file, bytes to documents, the progress bar, parsing stored pages again."""
from __future__ import annotations

import os
import signal
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from corpus import Store
from corpus.duplicates import DuplicateLinks
from corpus.crawlstate import CrawlState
from ingest import SUPPORTED_SUFFIXES, ParseError, read_bytes
from ingest.crawl import CrawlStats, Crawler, Handler, Outcome, decide, links_of, media_type_of, seeds
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
        # with its near-duplicate links, in one transaction: reposts of one press release are linked, not dropped
        doc_id = links.save(document, data, extraction)
        return Outcome("stored", doc_id)

    return handle


def _older(published: str | None, since: str | None, kind: str) -> bool:
    """--since applies to article pages; files attached to a recent article are kept whatever their date."""
    return bool(since and kind == "article" and published and published < since)


def crawl(store: Store, sources: list[Source], since: str | None = None, max_pages: int | None = None,
          fetcher: Fetcher | None = None, on_progress: Callable[[CrawlStats], None] | None = None) -> CrawlReport:
    """Crawl the sources at the same time, one thread each, so a slow or stalling host holds up
    its own source only (each host still gets one request at a time, spaced by its delay).
    The threads share the store under one lock, held for everything but the network.
    The first Ctrl-C stops every source after its current page, a second one at once; the
    report says so and the next run resumes. A crawler's error is raised here once all stopped."""
    fetcher = fetcher or Fetcher()
    fetcher.resume()
    lock = threading.RLock()
    state, handle, report = CrawlState(store), document_handler(store, since), CrawlReport()
    with StopRequest(fetcher) as stop, ExitStack() as bars:
        runs = []
        for position, source in enumerate(sources):
            show = bars.enter_context(ProgressBar(source.name, position))
            crawler = Crawler(source, fetcher, state, handle, max_pages, _all(show, on_progress, stop.check), lock,
                              since=since)
            report.stats[source.name] = crawler.stats
            runs.append(_SourceRun(crawler, stop))
        for run in runs:
            run.start()
        try:
            _wait(runs)
        except KeyboardInterrupt:  # a second Ctrl-C: cut the requests in flight, wait for the pages in hand
            stop.now()
            _wait(runs)
        report.interrupted = stop.requested or any(run.interrupted for run in runs)
    errors = [run.error for run in runs if run.error is not None]
    if errors:
        raise errors[0]
    return report


class _SourceRun(threading.Thread):
    """One source's crawl in its own thread; an interruption or an error is kept for crawl()."""

    def __init__(self, crawler: Crawler, stop: "StopRequest"):
        super().__init__(name=f"crawl-{crawler.source.name}", daemon=True)
        self.crawler, self.stop = crawler, stop
        self.interrupted = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.crawler.run()
        except KeyboardInterrupt:  # from a progress callback or an aborted fetch: stop the others too
            self.interrupted = True
            self.stop.requested = True
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self.error = exc
            self.stop.requested = True


def _wait(runs: list[_SourceRun]) -> None:
    """Join the threads in short waits, so Ctrl-C reaches the main thread's handler."""
    for run in runs:
        while run.is_alive():
            run.join(0.2)


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
    """A tqdm bar on a terminal (fetched, queued, failed, rate); nothing when stderr is not a tty.
    Sources crawled at once get a line each (`position`)."""

    def __init__(self, name: str, position: int = 0):
        self.name, self.position, self.bar, self.seen = name, position, None, 0

    def __enter__(self) -> Callable[[CrawlStats], None]:
        if sys.stderr.isatty():
            from tqdm import tqdm

            sized = _terminal_width() > 0  # tqdm draws nothing on a pty that reports no window size
            self.bar = tqdm(desc=self.name, unit="page", file=sys.stderr, dynamic_ncols=sized, position=self.position,
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
    fetched again on resume; a second Ctrl-C stops at once: the requests in flight are cut
    (fetcher.abort()) and their URLs stay queued."""

    def __init__(self, fetcher: Fetcher | None = None):
        self.requested, self._previous, self.fetcher = False, None, fetcher

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

    def now(self) -> None:
        self.requested = True
        if self.fetcher is not None:
            self.fetcher.abort()

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _all(*callbacks: Callable[[CrawlStats], None] | None) -> Callable[[CrawlStats], None]:
    chosen = [c for c in callbacks if c is not None]

    def call(stats: CrawlStats) -> None:
        for callback in chosen:
            callback(stats)

    return call


CHECK_PAGES = 10  # pages `crawl --check` fetches per source unless --max-pages says otherwise


def check(sources: list[Source], fetcher: Fetcher | None = None, max_pages: int | None = None,
          since: str | None = None, out: Callable[[str], None] = print) -> dict[str, Counter]:
    """`crawl --check`: fetch a few pages of each source, politely (robots.txt, delays), and say
    for every URL met what the crawl would do with it: store it (article, attachment), follow
    it (listing, sitemap, feed), or skip it, and why. Nothing is stored. Returns the counts."""
    fetcher = fetcher or Fetcher()
    return {source.name: _check_source(source, fetcher, max_pages or CHECK_PAGES, since, out) for source in sources}


def _check_source(source: Source, fetcher: Fetcher, max_pages: int, since: str | None,
                  out: Callable[[str], None]) -> Counter:
    for host in source.allowed_hosts:
        fetcher.set_delay(host, source.delay)
    out(f"== {source.name} ==")
    queue = deque(seeds(source, fetcher))
    seen, counts = {url for url, _ in queue}, Counter()
    while queue and counts["fetched"] < max_pages:
        url, kind = queue.popleft()
        result = fetcher.fetch(url, allowed=source.allows, timeout=source.timeout)
        counts["fetched"] += 1
        final = source.canonical(result.final_url or url)
        if result.outcome not in ("ok", "not_modified"):
            verdict = "failed" if result.outcome == "failed" else "skipped"
            counts[verdict] += 1
            out(f"{verdict:<10} {url}  ({result.error})")
            continue
        if final != url:
            out(f"{'redirected':<10} {url}  (to {final})")
        media_type = media_type_of(result.media_type, final, result.content)
        decision = decide(source, final, kind, result.content, media_type)
        counts[decision.kind] += 1
        if decision.kind not in ("listing", "sitemap", "feed") and not decision.judged:
            out(f"{decision.kind:<10} {final}  ({decision.reason})")
            continue
        links = links_of(source, decision.kind if decision.kind != "article" else "listing", final,
                         result.content, since)
        fresh = [link for link in links if link.url not in seen]
        seen.update(link.url for link in fresh)
        follow = [link for link in fresh if link.kind in ("article", "listing", "page", "sitemap", "feed")]
        out(f"{decision.kind:<10} {final}  ({decision.reason}; {len(links)} links, {len(follow)} new to follow)")
        for link in fresh:
            if link.kind is None:
                counts["skipped links"] += 1
                out(f"{'  skipped':<10} {link.url}  ({link.reason})")
        queue.extend((link.url, "listing" if link.kind == "page" else link.kind) for link in follow)
    for url, kind in queue:
        known, reason = source.classify_url(url)
        counts["queued"] += 1
        out(f"{'  queued':<10} {url}  ({kind if known != 'page' else 'to judge by content'}: {reason}; not fetched)")
    out(f"{source.name}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return counts


def load_selected(path: Path, name: str | None) -> list[Source]:
    return select_sources(load_sources(path), name)
