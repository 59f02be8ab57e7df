"""Is a fetched page an article (stored as a document) or a listing (its links followed)?

Used for sources whose article URLs cannot be told by a pattern (WordPress `/<slug>/`, a CMS not
yet known): the page says what it is. In order:
1. a URL shaped like a paginator, a tag, category or search page is a listing, whatever it holds;
2. a page that looks like a list of articles (several linked headlines in its main block, or
   many linked headlines and little text of its own) is a listing, whatever its metadata says,
   since some CMSs put og:type=article on every page;
3. article metadata (og:type=article, article:published_time, itemprop=datePublished, JSON-LD
   NewsArticle/Article/BlogPosting) over some text makes an article;
4. without metadata, a main block of at least MIN_TEXT characters of unlinked text under a
   single title makes an article;
5. anything else is a listing.
A pure function of the bytes and the URL."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import ParseError
from ingest.html import decode_html
from ingest.pagetree import Stats, drop_scripts, parse_tree

# Paginators (/page/2/, /p2/, /page-10/, /trang-3, ?page=4), tag, category, author and search pages.
LISTING_URL = re.compile(r"(/(page|trang)[/-]?\d+/?$|/p\d+/?$|[?&](page|paged|trang|start|offset)=\d+|"
                         r"/(tag|tags|the|category|chuyen-muc|danh-muc|tim-kiem|search|author|tac-gia|feed)/)",
                         re.IGNORECASE)
ARTICLE_LD = re.compile(r'"@type"\s*:\s*"(NewsArticle|Article|BlogPosting|ReportageNewsArticle)"')
FURNITURE = ("nav", "header", "footer", "aside", "form", "menu")
MIN_TEXT = 500  # characters of unlinked text in the main block of an article that has no metadata
MIN_META_TEXT = 150  # less than this under article metadata is a stub, a gallery or a listing
MAIN_SHARE = 0.3  # a list of articles: the main block holds less than this share of the page's text


@dataclass
class Verdict:
    kind: str  # "article" or "listing"
    reason: str


def classify_page(data: bytes, url: str) -> Verdict:
    if LISTING_URL.search(url):
        return Verdict("listing", "URL of a paginator, tag, category or search page")
    try:
        root = parse_tree(decode_html(data))
    except ParseError:
        return Verdict("listing", "no readable HTML")
    signals = _metadata(root)
    drop_scripts(root)
    for el in list(root.iter(*FURNITURE)):
        el.drop_tree()
    body = root.find("body")
    body = root if body is None else body
    stats = Stats(body)
    main = stats.main
    main_text = stats.text_len.get(main, 0) - stats.link_len.get(main, 0)
    page_text = stats.text_len.get(body, 0) - stats.link_len.get(body, 0)
    linked_all, linked_main = _linked_headings(body), _linked_headings(main)
    if linked_main >= 3 or (linked_all >= 5 and main_text < MAIN_SHARE * page_text):
        return Verdict("listing", f"{linked_all} linked headlines: a list of articles")
    if signals and main_text >= MIN_META_TEXT:
        return Verdict("article", ", ".join(signals))
    titles = [h for h in body.iter("h1") if not _linked(h)]
    if len(titles) <= 1 and main_text >= MIN_TEXT:
        return Verdict("article", f"main text of {main_text} characters under one title")
    return Verdict("listing", f"no article metadata and {main_text} characters of main text")


def _metadata(root) -> list[str]:
    meta = {}
    for node in root.iter("meta"):
        key = (node.get("property") or node.get("name") or "").strip().lower()
        meta.setdefault(key, (node.get("content") or "").strip())
    signals = []
    if meta.get("og:type", "").lower() == "article":
        signals.append("og:type=article")
    if meta.get("article:published_time"):
        signals.append("article:published_time")
    if root.xpath("//*[@itemprop='datePublished']"):
        signals.append("itemprop=datePublished")
    for script in root.xpath("//script[@type='application/ld+json']"):
        match = ARTICLE_LD.search(script.text or "")
        if match:
            signals.append(f"JSON-LD {match.group(1)}")
            break
    return signals


def _linked(heading) -> bool:
    return heading.find(".//a[@href]") is not None or any(a.tag == "a" for a in heading.iterancestors())


def _linked_headings(el) -> int:
    return sum(1 for h in el.iter("h1", "h2", "h3", "h4") if _linked(h))
