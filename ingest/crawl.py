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
recorded as "redirected" to it.

Every URL is made canonical (Source.canonical: one spelling for http/https, trailing slash,
tracking parameters, AMP copies, percent-escapes) before it is queued, so one article is one
document. Pages are found by the source's start pages and their pagination, by the sitemaps
robots.txt names (and /sitemap.xml when asked), and by the feeds pages declare. A page whose URL
matches no pattern of a source that detects is judged by its content (ingest.detect): an
article is stored, anything else followed as a listing. The frontier knows no such "page" kind,
so it holds them as listings until judged; once judged an article, the fetch record says so.

`decide` and `links_of` are shared with `policekb crawl --check` (policekb.crawling.check)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ingest.crawl_records import FetchRecord
from ingest.detect import classify_page
from ingest.discovery import Entry, declared_feeds, feed_entries, sitemap_entries
from ingest.fetch import FetchResult, Fetcher, host_of
from ingest.html import page_links
from ingest.readers import MAX_HTML_BYTES, SUPPORTED_SUFFIXES
from ingest.sources import Source

LINK_KINDS = ("listing", "sitemap", "feed")
FOLLOWED = ("article", "listing", "page", "sitemap", "feed")
XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


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


@dataclass
class Decision:
    """What the crawler does with a fetched page: store it ("article", "attachment") or follow
    its links ("listing", "sitemap", "feed"); `judged` when the content decided, not the URL."""
    kind: str
    reason: str
    judged: bool = False


@dataclass
class Link:
    url: str  # canonical
    kind: str | None  # article, listing, page, attachment, sitemap, feed; None: not followed
    reason: str


def decide(source: Source, url: str, queued_kind: str, data: bytes, media_type: str) -> Decision:
    if queued_kind in ("sitemap", "feed", "attachment"):
        return Decision(queued_kind, f"a {queued_kind}")
    if url in source.seed_urls:
        return Decision("listing", "start page")
    kind, reason = source.classify_url(url)
    if kind in ("article", "listing", "attachment"):
        return Decision(kind, reason)
    if kind == "page":
        if media_type in XML_TYPES:  # an undeclared feed or sitemap linked from a page
            return Decision("sitemap" if sitemap_entries(data).pages else "feed", f"XML ({media_type})")
        if media_type != "text/html":
            return Decision("attachment", f"a {media_type} file")
        verdict = classify_page(data, url)
        return Decision(verdict.kind, verdict.reason, judged=True)
    return Decision(queued_kind, f"reached as {queued_kind} ({reason})")  # a redirect's target, say


def links_of(source: Source, kind: str, url: str, data: bytes, since: str | None = None) -> list[Link]:
    """The links a listing, sitemap or feed leads to, canonical and classified, first seen first;
    sitemap and feed entries dated before `since` are not followed (a page last modified before
    it cannot have been published after it)."""
    if kind == "sitemap":
        found = sitemap_entries(data, url)
        raw = [(e, "sitemap") for e in found.sitemaps] + [(e, None) for e in found.pages]
    elif kind == "feed":
        raw = [(e, None) for e in feed_entries(data, url)]
    else:
        raw = [(Entry(u), None) for u in page_links(data, url).links]
        if source.discover:
            raw += [(Entry(u), "feed") for u in declared_feeds(data, url)]
    links: dict[str, Link] = {}
    for entry, forced in raw:
        link = _link(source, entry, forced, since)
        links.setdefault(link.url, link)
    return list(links.values())


def _link(source: Source, entry: Entry, forced: str | None, since: str | None) -> Link:
    url = source.canonical(entry.url)
    if since and entry.date and entry.date < since:
        return Link(url, None, f"dated {entry.date}, before --since {since}")
    if forced:  # a declared feed, a nested sitemap: followed when on the source and not ignored
        excluded = source.excluded(url)
        return Link(url, None, excluded) if excluded else Link(url, forced, f"a {forced}")
    kind, reason = source.classify_url(url)
    return Link(url, kind, reason)


class Crawler:
    def __init__(self, source: Source, fetcher: Fetcher, state, handle: Handler, max_pages: int | None = None,
                 on_progress: Callable[[CrawlStats], None] | None = None, lock=None, since: str | None = None):
        self.source, self.fetcher, self.state, self.handle = source, fetcher, state, handle
        limits = [n for n in (max_pages, source.max_pages) if n is not None]
        self.max_pages = min(limits) if limits else None
        self.on_progress = on_progress or (lambda stats: None)
        self.lock = lock if lock is not None else contextlib.nullcontext()
        self.since = since
        self.stats = CrawlStats()
        for host in source.allowed_hosts:
            fetcher.set_delay(host, source.delay)

    def seeds(self) -> list[tuple[str, str]]:
        """Start pages, configured sitemaps and feeds, and (discover) the sitemaps robots.txt names;
        this reads robots.txt, so it runs outside the lock."""
        return seeds(self.source, self.fetcher)

    def run(self) -> CrawlStats:
        """Crawl until the frontier is empty or max_pages requests were made; Ctrl-C leaves it resumable."""
        seeds = self.seeds()
        with self.lock:
            self.stats.resumed = self.state.start(self.source.name, seeds)
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
        final = self.source.canonical(result.final_url or url)
        if final != url:  # an in-source redirect to another page (not just another spelling of this one)
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
        record.kind = previous.kind  # what the page was judged to be when it was fetched
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
        if record.kind == "listing" and media_type == "text/html" and len(result.content) > MAX_HTML_BYTES:
            record.status = "fetched"
            record.error = f"page larger than {MAX_HTML_BYTES} bytes: its links are not followed"
            return
        decision = decide(self.source, record.url, record.kind, result.content, media_type)
        record.kind = decision.kind
        if decision.kind in LINK_KINDS:
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
        if decision.judged:  # a source that detects has no patterns to find pages by: related links help
            self._follow("listing", record.url, result.content, depth)

    def _follow(self, kind: str, url: str, data: bytes, depth: int) -> None:
        if kind == "listing" and len(data) > MAX_HTML_BYTES:  # HTML this large is not parsed anywhere
            return
        followed = [(link.url, self._frontier_kind(link)) for link in links_of(self.source, kind, url, data, self.since)
                    if link.kind in FOLLOWED]
        self.state.enqueue(self.source.name, followed, depth + 1)

    def _frontier_kind(self, link: Link) -> str:
        """A page still to be judged is queued as a listing (revisited each round), unless it was
        judged an article already (fetched once, never again)."""
        if link.kind != "page":
            return link.kind
        known = self.state.record(link.url)
        return "article" if known is not None and known.kind == "article" else "listing"

    def _queue_attachments(self, url: str, data: bytes, depth: int) -> None:
        if len(data) > MAX_HTML_BYTES:
            return
        files = {self.source.canonical(link): None for link in page_links(data, url).attachments}
        self.state.enqueue(self.source.name, [(f, "attachment") for f in files if self.source.allows(f)], depth + 1)


def seeds(source: Source, fetcher: Fetcher) -> list[tuple[str, str]]:
    found = [(u, "article" if source.kind_of(u) == "article" else "listing") for u in source.seed_urls]
    found += [(source.canonical(u), "sitemap") for u in source.sitemaps]
    found += [(source.canonical(u), "feed") for u in source.feeds]
    if source.discover:
        found += [(u, "sitemap") for u in discovered_sitemaps(source, fetcher)]
    unique: dict[str, str] = {}
    for url, kind in found:
        unique.setdefault(url, kind)
    return list(unique.items())


def discovered_sitemaps(source: Source, fetcher: Fetcher) -> list[str]:
    """The sitemaps robots.txt names for each start host, or (probe_sitemap) /sitemap.xml."""
    found = []
    for home in dict.fromkeys(host_of(u) for u in source.seed_urls + source.sitemaps + source.feeds):
        named = fetcher.robots_sitemaps(home + "/", source.allows, source.timeout)
        named = [source.canonical(u) for u in named]
        found += [u for u in named if source.allows(u)]
        if not named and source.probe_sitemap:
            found.append(source.canonical(home + "/sitemap.xml"))
    return found
