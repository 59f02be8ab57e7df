"""The crawl loop of one source: take a URL from the persisted frontier, fetch it,
keep the bytes, then either follow its links (listings, sitemaps, feeds) or hand
it to the document handler (article pages and their attached files).

The loop knows nothing of SQL or NLP: `state` is a corpus.crawlstate.CrawlState
and `handle(url, data, media_type, kind)` turns the bytes into a document (see policekb.crawling).

Several crawlers (one per source) may run at once in threads sharing one store:
they pass the same `lock`, held for every use of the state and the handler and
released while fetching, so the network is the only thing they do in parallel.

Every request stays on the source's hosts: the fetcher checks each redirect hop
against Source.allows before requesting it. A redirect off the source is recorded
as "skipped" with its target; content reached through an in-source redirect is
kept under the URL it came from (the redirect's target), and the URL asked for is
recorded as "redirected" to it."""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from corpus.crawlstate import FetchRecord
from ingest.feeds import feed_urls, sitemap_urls
from ingest.fetch import FetchResult, Fetcher
from ingest.html import page_links
from ingest.readers import MAX_HTML_BYTES, SUPPORTED_SUFFIXES
from ingest.sources import Source

LINK_KINDS = ("listing", "sitemap", "feed")


@dataclass
class Outcome:
    """What the document handler made of a page: 'stored', 'too_old', 'parse_error' or 'kept_raw'."""
    status: str
    document_id: int | None = None
    error: str | None = None


@dataclass
class CrawlStats:
    fetched: int = 0  # URLs requested (answered, redirected or failed), robots.txt aside
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # not requested (robots.txt), or redirected off the source (not followed)
    off_source: int = 0  # of the skipped: redirects off the source
    queued: int = 0
    resumed: bool = False
    document_ids: list[int] = field(default_factory=list)


Handler = Callable[[str, bytes, str, str], Outcome]


GENERIC_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/force-download",
                 "application/download")


def media_type_of(declared: str | None, url: str, data: bytes) -> str:
    """The media type the parsers understand; portals often send none or a generic one for attachments."""
    declared = (declared or "").lower()
    if declared in GENERIC_TYPES:
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        if suffix in SUPPORTED_SUFFIXES:
            return SUPPORTED_SUFFIXES[suffix]
        declared = ""
    if declared in ("text/html", "application/xhtml+xml") or (not declared and data.lstrip()[:1] == b"<"):
        return "text/html"
    if declared == "application/pdf" or data.startswith(b"%PDF"):
        return "application/pdf"
    return declared or "application/octet-stream"


class Crawler:
    def __init__(self, source: Source, fetcher: Fetcher, state, handle: Handler, max_pages: int | None = None,
                 on_progress: Callable[[CrawlStats], None] | None = None, lock=None):
        self.source, self.fetcher, self.state, self.handle = source, fetcher, state, handle
        limits = [n for n in (max_pages, source.max_pages) if n is not None]
        self.max_pages = min(limits) if limits else None
        self.on_progress = on_progress or (lambda stats: None)
        self.lock = lock if lock is not None else contextlib.nullcontext()
        self.stats = CrawlStats()
        for host in source.allowed_hosts:
            fetcher.set_delay(host, source.delay)

    def seeds(self) -> list[tuple[str, str]]:
        return ([(u, self.source.kind_of(u) or "listing") for u in self.source.start_urls]
                + [(u, "sitemap") for u in self.source.sitemaps] + [(u, "feed") for u in self.source.feeds])

    def run(self) -> CrawlStats:
        """Crawl until the frontier is empty or max_pages requests were made; Ctrl-C leaves it resumable."""
        with self.lock:
            self.stats.resumed = self.state.start(self.source.name, self.seeds())
        while self.max_pages is None or self.stats.fetched < self.max_pages:
            with self.lock:
                entry = self.state.next_queued(self.source.name)
            if entry is None:
                break
            self.visit(entry.url, entry.kind, entry.depth)
            with self.lock:
                self.stats.queued = self.state.count(self.source.name, "queued")
                self.on_progress(self.stats)
        with self.lock:
            self.stats.queued = self.state.count(self.source.name, "queued")
        return self.stats

    def visit(self, url: str, kind: str, depth: int) -> None:
        with self.lock:
            previous = self.state.record(url)
        validators = (previous.etag, previous.last_modified) if previous and previous.content_hash else (None, None)
        result = self.fetcher.fetch(url, *validators, allowed=self.source.allows, timeout=self.source.timeout)
        if result.outcome == "aborted":  # a second Ctrl-C: the URL stays queued for the next run
            raise KeyboardInterrupt
        with self.lock:
            self._record(url, kind, depth, previous, result)

    def _record(self, url: str, kind: str, depth: int, previous: FetchRecord | None, result: FetchResult) -> None:
        record = FetchRecord(url, self.source.name, kind, result.outcome, result.http_status, etag=result.etag,
                             last_modified=result.last_modified, error=result.error)
        if result.requests or result.outcome == "failed":  # a request was made, answered or not
            self.stats.fetched += 1
        if result.outcome in ("blocked", "off_source"):  # the URL, or a redirect hop, was not requested
            self.stats.skipped += 1
            if result.outcome == "off_source":
                self.stats.off_source += 1
                record.status = "skipped"
            self.state.complete(record, "skipped")
            return
        if result.outcome == "failed":
            self.stats.failed += 1
            self.state.complete(record, "failed")
            return
        final = result.final_url or url
        if final != url:  # an in-source redirect: the content is the target's
            self._redirected(record, result, final, depth)
            return
        if result.outcome == "not_modified":
            self._unchanged(record, previous, depth)
        else:
            self._fresh(record, result, depth)
        self.state.complete(record, "done")

    def _redirected(self, record: FetchRecord, result: FetchResult, final: str, depth: int) -> None:
        """The URL asked for is recorded as redirected; the content is recorded (and stored as a
        document) under the URL it came from, which is marked done in the frontier."""
        target = FetchRecord(final, self.source.name, record.kind, result.outcome, result.http_status,
                             etag=result.etag, last_modified=result.last_modified)
        if result.outcome == "not_modified":
            previous = self.state.record(final)
            if previous is None or not previous.content_hash:  # nothing kept to compare with: fetch it again
                self.stats.failed += 1
                record.status, record.error = "failed", f"redirected to {final}, which answered 304 unasked"
                self.state.complete(record, "failed")
                return
            self._unchanged(target, previous, depth)
        else:
            self._fresh(target, result, depth)
        self.state.enqueue(self.source.name, [(final, record.kind)], depth)
        self.state.complete(target, "done")
        record.status, record.http_status = "redirected", result.hops[0][1] if result.hops else None
        record.error, record.document_id = f"redirected to {final}", target.document_id
        record.etag = record.last_modified = None
        self.state.complete(record, "done")

    def _unchanged(self, record: FetchRecord, previous: FetchRecord, depth: int) -> None:
        """304: nothing to parse again, but a listing's stored links still lead to its next pages."""
        self.stats.unchanged += 1
        record.status, record.content_hash, record.media_type = "unchanged", previous.content_hash, previous.media_type
        record.etag = record.etag or previous.etag
        record.last_modified = record.last_modified or previous.last_modified
        record.document_id = previous.document_id
        if record.kind in LINK_KINDS:
            self._follow(record.kind, record.url, self.state.blob(previous.content_hash), depth)

    def _fresh(self, record: FetchRecord, result: FetchResult, depth: int) -> None:
        media_type = media_type_of(result.media_type, record.url, result.content)
        record.media_type = media_type
        record.content_hash = self.state.save_blob(result.content, media_type)  # before any parsing
        if record.kind in LINK_KINDS:
            record.status = "fetched"
            if record.kind == "listing" and len(result.content) > MAX_HTML_BYTES:
                record.error = f"page larger than {MAX_HTML_BYTES} bytes: its links are not followed"
                return
            self._follow(record.kind, record.url, result.content, depth)
            return
        outcome = self.handle(record.url, result.content, media_type, record.kind)
        record.status, record.error, record.document_id = outcome.status, outcome.error, outcome.document_id
        if outcome.status == "stored":
            self.stats.stored += 1
            self.stats.document_ids.append(outcome.document_id)
            if record.kind == "article" and media_type == "text/html":
                self._queue_attachments(record.url, result.content, depth)

    def _follow(self, kind: str, url: str, data: bytes, depth: int) -> None:
        nested: list[tuple[str, str]] = []
        if kind == "listing" and len(data) > MAX_HTML_BYTES:  # HTML this large is not parsed anywhere
            return
        if kind == "sitemap":
            found = sitemap_urls(data)
            nested = [(u, "sitemap") for u in found.sitemaps if self.source.allows(u)]
            links = found.pages
        elif kind == "feed":
            links = feed_urls(data)
        else:
            links = page_links(data, url).links
        kinds = ((link, self.source.kind_of(link)) for link in links)
        followed = nested + [(link, k) for link, k in kinds if k in ("article", "listing")]
        self.state.enqueue(self.source.name, followed, depth + 1)

    def _queue_attachments(self, url: str, data: bytes, depth: int) -> None:
        if len(data) > MAX_HTML_BYTES:
            return
        files = [(link, "attachment") for link in page_links(data, url).attachments if self.source.allows(link)]
        self.state.enqueue(self.source.name, files, depth + 1)
