"""Crawl sources from a sources.toml file: where to start, what to follow, how politely.

    [[source]]
    name = "congan-nghean"
    start_urls = ["https://congan.nghean.gov.vn/tin-tuc/"]
    allowed_hosts = ["congan.nghean.gov.vn"]     # default: the hosts of start_urls
    article_patterns = ['/tin-tuc/[^/]+\\.html$']  # regexes searched in the full (canonical) URL
    listing_patterns = ['/tin-tuc/(\\?page=\\d+)?$']
    ignore_patterns = ['/lien-he/']  # never followed
    detect = true          # pages matching no pattern are fetched and judged by their content
                           # (default: true when there are no article_patterns)
    sitemaps = []          # optional
    feeds = []             # optional RSS or Atom
    discover = true        # also the sitemaps robots.txt names and the feeds pages declare (default)
    probe_sitemap = false  # also try /sitemap.xml when robots.txt names none
    trailing_slash = "add" # "add" (default), "strip" or "keep": how extensionless paths are spelt
    drop_article_query = false  # article URLs lose their query string (the path names the article)
    delay = 5.0            # seconds between requests to one host
    timeout = 60           # seconds one response may take in all, headers and body (default 60)
    max_pages = 500        # optional cap per run
    province = "Quảng Bình"     # optional notes: the province before the 2025 reorganisation,
    merged_into = "Quảng Trị"   # and the one it became part of

URLs are made canonical (ingest.urls) before they are matched, queued or stored.
Redirects are followed only to allowed_hosts: a redirect elsewhere is recorded
as skipped with its target, never requested.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ingest.html import ATTACHMENT_SUFFIXES
from ingest.urls import SLASH_POLICIES, UrlRules, canonical_url, without_query

# Files that are neither pages nor attachments: never fetched, even by a source that detects.
NOT_PAGES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".ico", ".css", ".js", ".json", ".zip",
             ".rar", ".7z", ".mp3", ".mp4", ".avi", ".wmv", ".flv", ".mov", ".xls", ".xlsx", ".ppt", ".pptx", ".xml",
             ".rss", ".exe", ".apk")


class SourceError(ValueError):
    """The sources file is missing, malformed, or describes a source incompletely."""


@dataclass
class Source:
    name: str
    start_urls: list[str]
    allowed_hosts: list[str]
    article_patterns: list[re.Pattern]
    listing_patterns: list[re.Pattern]
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    delay: float = 5.0
    max_pages: int | None = None
    timeout: float | None = None  # None: the fetcher's default (FetchPolicy.timeout, 60 s)
    ignore_patterns: list[re.Pattern] = field(default_factory=list)
    detect: bool | None = None  # None: detect when there are no article_patterns
    discover: bool = True
    probe_sitemap: bool = False
    trailing_slash: str = "add"
    drop_article_query: bool = False
    province: str | None = None
    merged_into: str | None = None

    def __post_init__(self):
        schemes: dict[str, str] = {}
        for url in self.start_urls + self.sitemaps + self.feeds:  # the scheme the source was given wins
            parts = urlsplit(url)
            schemes.setdefault(parts.netloc.lower(), parts.scheme.lower())
        schemes = {host: schemes.get(host, "https") for host in self.allowed_hosts}
        self.url_rules = UrlRules(list(self.allowed_hosts), schemes, self.trailing_slash)
        self.seed_urls = [self.canonical(u) for u in self.start_urls]

    @property
    def detects(self) -> bool:
        return not self.article_patterns if self.detect is None else self.detect

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.allowed_hosts

    def canonical(self, url: str) -> str:
        """The one spelling of url this source queues and stores (see ingest.urls)."""
        url = canonical_url(url, self.url_rules)
        if self.drop_article_query and "?" in url and _matches(self.article_patterns, without_query(url)):
            return without_query(url)
        return url

    def kind_of(self, url: str) -> str | None:
        """'article', 'listing', 'attachment', or 'page' (to be judged by its content: detect) for a
        URL this source follows, else None."""
        return self.classify_url(url)[0]

    def excluded(self, url: str) -> str | None:
        """Why this source never requests url (off its hosts, an ignore pattern), or None."""
        if not self.allows(url):
            return "off the source's hosts"
        if _matches(self.ignore_patterns, url):
            return "matches an ignore pattern"
        return None

    def classify_url(self, url: str) -> tuple[str | None, str]:
        """The kind of a canonical URL and why; the reason says why a URL is not followed."""
        excluded = self.excluded(url)
        if excluded:
            return None, excluded
        path = urlsplit(url).path.lower()
        if path.endswith(ATTACHMENT_SUFFIXES):
            return "attachment", "attached file"
        if _matches(self.article_patterns, url):
            return "article", "matches an article pattern"
        if _matches(self.listing_patterns, url):
            return "listing", "matches a listing pattern"
        if path.endswith(NOT_PAGES):
            return None, "not a page (image, script, archive...)"
        if self.detects:
            return "page", "no pattern matches: judged by its content"
        return None, "matches no article or listing pattern"


def _matches(patterns: list[re.Pattern], url: str) -> bool:
    return any(p.search(url) for p in patterns)


def load_sources(path: str | Path) -> list[Source]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{path} defines no [[source]] tables")
    sources = [_source(entry, path) for entry in entries]
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise SourceError(f"{path}: source names must be unique")
    return sources


def _source(entry: dict, path: Path) -> Source:
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise SourceError(f"{path}: every [[source]] needs a name")
    start_urls = _strings(entry, "start_urls", name, path)
    if not start_urls and not entry.get("sitemaps") and not entry.get("feeds"):
        raise SourceError(f"{path}: source {name!r} needs start_urls, sitemaps or feeds")
    hosts = _strings(entry, "allowed_hosts", name, path) or sorted(
        {urlsplit(u).netloc for u in start_urls + entry.get("sitemaps", []) + entry.get("feeds", [])})
    delay, max_pages = entry.get("delay", 5.0), entry.get("max_pages")
    if not isinstance(delay, (int, float)) or delay < 0:
        raise SourceError(f"{path}: delay of source {name!r} must be a number of seconds >= 0")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise SourceError(f"{path}: max_pages of source {name!r} must be a whole number >= 1")
    timeout = entry.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise SourceError(f"{path}: timeout of source {name!r} must be a number of seconds > 0")
    return Source(
        name=name, start_urls=start_urls, allowed_hosts=[h.lower() for h in hosts],
        article_patterns=_patterns(entry, "article_patterns", name, path),
        listing_patterns=_patterns(entry, "listing_patterns", name, path),
        sitemaps=_strings(entry, "sitemaps", name, path), feeds=_strings(entry, "feeds", name, path),
        delay=float(delay), max_pages=max_pages, timeout=None if timeout is None else float(timeout),
        ignore_patterns=_patterns(entry, "ignore_patterns", name, path), **_options(entry, name, path))


def _options(entry: dict, name: str, path: Path) -> dict:
    options = {}
    for key in ("detect", "discover", "probe_sitemap", "drop_article_query"):
        if key in entry:
            if not isinstance(entry[key], bool):
                raise SourceError(f"{path}: {key} of source {name!r} must be true or false")
            options[key] = entry[key]
    slash = entry.get("trailing_slash", "add")
    if slash not in SLASH_POLICIES:
        raise SourceError(f"{path}: trailing_slash of source {name!r} must be one of {', '.join(SLASH_POLICIES)}")
    options["trailing_slash"] = slash
    for key in ("province", "merged_into"):
        if key in entry:
            if not isinstance(entry[key], str):
                raise SourceError(f"{path}: {key} of source {name!r} must be a string")
            options[key] = entry[key]
    return options


def _strings(entry: dict, key: str, name: str, path: Path) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourceError(f"{path}: {key} of source {name!r} must be a list of strings")
    return value


def _patterns(entry: dict, key: str, name: str, path: Path) -> list[re.Pattern]:
    patterns = []
    for text in _strings(entry, key, name, path):
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise SourceError(f"{path}: bad regex {text!r} in {key} of source {name!r}: {exc}") from exc
    return patterns
