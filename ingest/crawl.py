"""The crawl loop of one source: take a URL from the persisted frontier, fetch it,
keep the bytes, then either follow its links (listings, sitemaps, feeds) or hand
it to the document handler (article pages and their attached files).

The loop knows nothing of SQL or NLP: `state` is a corpus.crawlstate.CrawlState
and `handle(url, data, media_type, kind)` turns the bytes into a document (see policekb.crawling)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from corpus.crawlstate import FetchRecord
from ingest.feeds import feed_urls, sitemap_urls
from ingest.fetch import FetchResult, Fetcher
from ingest.html import page_links
from ingest.readers import SUPPORTED_SUFFIXES
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
    fetched: int = 0  # requests answered (200 or 304) or failed, robots.txt aside
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
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
                 on_progress: Callable[[CrawlStats], None] | None = None):
        self.source, self.fetcher, self.state, self.handle = source, fetcher, state, handle
        limits = [n for n in (max_pages, source.max_pages) if n is not None]
        self.max_pages = min(limits) if limits else None
        self.on_progress = on_progress or (lambda stats: None)
        self.stats = CrawlStats()
        for host in source.allowed_hosts:
            fetcher.set_delay(host, source.delay)

    def seeds(self) -> list[tuple[str, str]]:
        return ([(u, self.source.kind_of(u) or "listing") for u in self.source.start_urls]
                + [(u, "sitemap") for u in self.source.sitemaps] + [(u, "feed") for u in self.source.feeds])

    def run(self) -> CrawlStats:
        """Crawl until the frontier is empty or max_pages requests were made; Ctrl-C leaves it resumable."""
        self.stats.resumed = self.state.start(self.source.name, self.seeds())
        while self.max_pages is None or self.stats.fetched < self.max_pages:
            entry = self.state.next_queued(self.source.name)
            if entry is None:
                break
            self.visit(entry.url, entry.kind, entry.depth)
            self.stats.queued = self.state.count(self.source.name, "queued")
            self.on_progress(self.stats)
        self.stats.queued = self.state.count(self.source.name, "queued")
        return self.stats

    def visit(self, url: str, kind: str, depth: int) -> None:
        previous = self.state.record(url)
        validators = (previous.etag, previous.last_modified) if previous and previous.content_hash else (None, None)
        result = self.fetcher.fetch(url, *validators)
        record = FetchRecord(url, self.source.name, kind, result.outcome, result.http_status, etag=result.etag,
                             last_modified=result.last_modified, error=result.error)
        if result.outcome == "blocked":  # no request was made
            self.stats.skipped += 1
            self.state.complete(record, "skipped")
            return
        self.stats.fetched += 1
        if result.outcome == "failed":
            self.stats.failed += 1
            self.state.complete(record, "failed")
            return
        if result.outcome == "not_modified":
            self._unchanged(record, previous, depth)
        else:
            self._fresh(record, result, depth)
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
        media_type = media_type_of(result.media_type, result.url, result.content)
        record.media_type = media_type
        record.content_hash = self.state.save_blob(result.content, media_type)  # before any parsing
        if record.kind in LINK_KINDS:
            record.status = "fetched"
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
        files = [(link, "attachment") for link in page_links(data, url).attachments if self.source.allows(link)]
        self.state.enqueue(self.source.name, files, depth + 1)
