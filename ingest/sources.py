"""Crawl sources from a sources.toml file: where to start, what to follow, how politely.

    [[source]]
    name = "congan-nghean"
    start_urls = ["https://congan.nghean.gov.vn/tin-tuc/"]
    allowed_hosts = ["congan.nghean.gov.vn"]     # default: the hosts of start_urls
    article_patterns = ['/tin-tuc/[^/]+\\.html$']  # regexes searched in the full URL
    listing_patterns = ['/tin-tuc/(\\?page=\\d+)?$']
    sitemaps = []          # optional
    feeds = []             # optional RSS or Atom
    delay = 5.0            # seconds between requests to one host
    timeout = 60           # seconds one response may take in all, headers and body (default 60)
    max_pages = 500        # optional cap per run

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

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.allowed_hosts

    def kind_of(self, url: str) -> str | None:
        """'article', 'listing' or 'attachment' for a URL this source follows, else None."""
        if not self.allows(url):
            return None
        if urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES):
            return "attachment"
        if any(p.search(url) for p in self.article_patterns):
            return "article"
        if any(p.search(url) for p in self.listing_patterns):
            return "listing"
        return None


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
        delay=float(delay), max_pages=max_pages, timeout=None if timeout is None else float(timeout))


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
