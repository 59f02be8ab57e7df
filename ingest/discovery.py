"""Finding a portal's pages without guessing its URL shapes: XML sitemaps (indexes, Google News
sitemaps), RSS and Atom feeds, and the feeds a page declares with <link rel="alternate">.

Parsing only: the crawler fetches (robots.txt, delays, retries: ingest.fetch) and hands the
bytes here. trafilatura's sitemaps and feeds helpers fetch by themselves and drop the dates,
which `--since` needs, so these few functions read the XML with lxml instead. Each entry keeps
its date (sitemap <lastmod> or <news:publication_date>, feed <pubDate>/<updated>/<published>)
as YYYY-MM-DD, or None."""
from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Entry:
    url: str
    date: str | None = None  # YYYY-MM-DD: last modified (sitemaps) or published (news sitemaps, feeds)


@dataclass
class SitemapEntries:
    pages: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)  # nested sitemaps of a sitemap index


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _root(data: bytes):
    """The XML root, or None; entities are not resolved and the network is never used."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        return lxml.etree.fromstring(data.lstrip(), parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None


def _text(node, *names: str) -> str | None:
    """The text of the first descendant of `node` with one of these local names."""
    for el in node.iter():
        if _local(el.tag) in names and el.text and el.text.strip():
            return el.text.strip()
    return None


def iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD from a W3C date (sitemaps, Atom) or an RFC 822 date (RSS)."""
    if not value:
        return None
    match = ISO_DATE.match(value)
    if match:
        return "-".join(match.groups())
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None


def sitemap_entries(data: bytes, base_url: str = "") -> SitemapEntries:
    """The <url> entries of a sitemap, or the <sitemap> entries of an index; bad XML gives nothing."""
    root, out = _root(data), SitemapEntries()
    if root is None:
        return out
    for entry in root:
        kind = _local(entry.tag)
        loc = _text(entry, "loc") if kind in ("url", "sitemap") else None
        if not loc:
            continue
        date = iso_date(_text(entry, "publication_date") or _text(entry, "lastmod"))
        (out.sitemaps if kind == "sitemap" else out.pages).append(Entry(urljoin(base_url, loc), date))
    return out


def feed_entries(data: bytes, base_url: str = "") -> list[Entry]:
    """Item links of RSS 0.9x/1.0/2.0 feeds and entry links of Atom feeds, with their dates."""
    root = _root(data)
    if root is None:
        return []
    entries = []
    for node in root.iter():
        if _local(node.tag) not in ("item", "entry"):
            continue
        url = _item_link(node)
        if url:
            date = iso_date(_text(node, "pubdate", "published", "date", "updated"))
            entries.append(Entry(urljoin(base_url, url), date))
    return entries


def _item_link(node) -> str | None:
    for child in node:
        if _local(child.tag) != "link":
            continue
        url = (child.text or "").strip() or (child.get("href") or "").strip()
        if url and child.get("rel", "alternate") == "alternate":
            return url
    guid = next((c for c in node if _local(c.tag) == "guid" and c.get("isPermaLink", "true") == "true"), None)
    return guid.text.strip() if guid is not None and guid.text and guid.text.strip().startswith("http") else None


def declared_feeds(data: bytes, base_url: str) -> list[str]:
    """Feeds a page declares in its head: <link rel="alternate" type="application/rss+xml" href>."""
    try:
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: dict[str, None] = {}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base_url, href)
            if urlsplit(url).scheme in ("http", "https"):
                found[url] = None
    return list(found)

