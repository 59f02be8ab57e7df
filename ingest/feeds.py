"""URLs listed in XML sitemaps (and sitemap indexes) and in RSS or Atom feeds."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass
class SitemapUrls:
    pages: list[str]
    sitemaps: list[str]  # nested sitemaps of a sitemap index


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root(data: bytes) -> ET.Element | None:
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        return None


def sitemap_urls(data: bytes) -> SitemapUrls:
    """<loc> of <url> entries, and of <sitemap> entries of an index; malformed XML gives nothing."""
    root = _root(data)
    out = SitemapUrls([], [])
    if root is None:
        return out
    for entry in root:
        loc = next((c.text.strip() for c in entry if _local(c.tag) == "loc" and c.text), None)
        if loc:
            (out.sitemaps if _local(entry.tag) == "sitemap" else out.pages).append(loc)
    return out


def feed_urls(data: bytes) -> list[str]:
    """Item links of an RSS 2.0 feed or entry links of an Atom feed."""
    root = _root(data)
    if root is None:
        return []
    urls = []
    for node in root.iter():
        if _local(node.tag) not in ("item", "entry"):
            continue
        for child in node:
            if _local(child.tag) != "link":
                continue
            url = (child.text or "").strip() or child.get("href", "").strip()
            if url and child.get("rel", "alternate") == "alternate":
                urls.append(url)
    return urls
