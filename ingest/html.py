"""Article HTML: main text without portal furniture, title and publication date.

trafilatura finds the main text; when it finds none (a very short page), the
text of <article> or <body> is used without scripts, menus and forms."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from bs4 import BeautifulSoup

from ingest.decode import decode_text
from ingest.document import ParseError
from ingest.furniture import strip_furniture

DATE_META = ("article:published_time", "og:published_time", "pubdate", "publishdate", "date", "dc.date")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
FURNITURE_TAGS = ("script", "style", "nav", "header", "footer", "form", "aside", "noscript", "iframe", "select")


AUTHOR_SELECTORS = ("[rel=author]", ".author", ".tac-gia", ".tacgia", ".byline", ".post-author", ".article-author")
# A byline closing the article: "Quang Nam – PV28", "Bình Minh - Trần Nhung", "Hà Thuỷ".
BYLINE = re.compile(r"^\s*((?:[A-ZĐ][^\W\d_]*\s){0,4}[A-ZĐ][^\W\d_]*(?:\s*[-–]\s*(?:[A-ZĐ][\w]*\s?){1,4})?)\s*$")


@dataclass
class ParsedHTML:
    title: str | None
    published: str | None
    text: str
    author: str | None = None


def decode_html(data: bytes) -> str:
    declared = CHARSET.search(data[:4096])
    return decode_text(data, declared.group(1).decode("ascii") if declared else None)


def parse_html(data: bytes) -> ParsedHTML:
    markup = decode_html(data)
    soup = BeautifulSoup(markup, "lxml")
    title = _title(soup)
    published = _meta_date(soup)
    text = _main_text(markup) or _fallback_text(soup)
    text = strip_furniture(text)
    if not text.strip():
        raise ParseError("the page has no readable text")
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return ParsedHTML(title, published, text, _author(soup) or byline(text))


def _author(soup: BeautifulSoup) -> str | None:
    meta = soup.find("meta", attrs={"name": "author"}) or soup.find("meta", attrs={"property": "article:author"})
    if meta and meta.get("content", "").strip() and not meta["content"].startswith("http"):
        return " ".join(meta["content"].split())
    for selector in AUTHOR_SELECTORS:
        node = soup.select_one(selector)
        if node and 0 < len(node.get_text(" ", strip=True)) <= 80:
            return " ".join(node.get_text(" ", strip=True).split())
    return None


def byline(text: str) -> str | None:
    """The author line that closes many portal articles, if the last line is one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 3:
        return None
    m = BYLINE.match(lines[-1])
    return m.group(1).strip() if m and len(lines[-1]) <= 60 else None


def _title(soup: BeautifulSoup) -> str | None:
    for selector in ("article h1", "h1", "meta[property='og:title']", "title"):
        node = soup.select_one(selector)
        if node is None:
            continue
        value = node.get("content") if node.name == "meta" else node.get_text(" ", strip=True)
        if value and value.strip():
            return " ".join(value.split())
    return None


def _meta_date(soup: BeautifulSoup) -> str | None:
    from nlp.dates import parse_date  # shared date rules; nlp has no heavy imports at module level

    for name in DATE_META:
        node = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if node and node.get("content"):
            m = re.match(r"(\d{4})-(\d{2})-(\d{2})", node["content"])
            if m:
                return m.group(0)
    for node in soup.select("time[datetime], .date, .post-date, .publish-date, .time, .ngay-dang"):
        value = node.get("datetime") or node.get_text(" ", strip=True)
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
        if m:
            return m.group(0)
        date = parse_date(value or "")
        if date:
            return date
    return None


def _main_text(markup: str) -> str | None:
    import trafilatura  # loaded on first use: it pulls in a large dependency tree

    return trafilatura.extract(markup, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False)


def _fallback_text(soup: BeautifulSoup) -> str:
    for tag in soup(FURNITURE_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.body or soup
    return root.get_text("\n", strip=True)


@dataclass
class PageLinks:
    links: list[str]  # absolute http(s) URLs of <a href>, without fragments, in page order
    attachments: list[str]  # the subset pointing at .pdf, .doc or .docx files


ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx")


def page_links(data: bytes, base_url: str) -> PageLinks:
    """Links for the crawler; <base href> is honoured. Parsing is lenient: broken markup gives fewer links."""
    try:  # lxml reads the declared charset itself; hrefs need no Vietnamese text repair
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return PageLinks([], [])
    base = next(iter(root.xpath("//base/@href")), None)
    base_url = urljoin(base_url, base) if base else base_url
    links: dict[str, None] = {}
    for href in root.xpath("//a/@href"):
        url = urldefrag(urljoin(base_url, href.strip())).url
        if urlsplit(url).scheme in ("http", "https"):
            links[url] = None
    attachments = [u for u in links if urlsplit(u).path.lower().endswith(ATTACHMENT_SUFFIXES)]
    return PageLinks(list(links), attachments)
