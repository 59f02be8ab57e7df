"""Fixture portals of the CMS families provincial police sites run, served on 127.0.0.1.

Each family mimics the real URL shapes the packaged sources.toml expects (issue #14): the
Nghệ An date folders, ASP.NET `-N<id>.aspx`, WordPress slugs with percent-encoded Vietnamese
marks, NukeViet, and cand.com.vn (current and legacy article forms, p2/ and page-10/
pagination, tag pages, event streams, AMP copies on `amp.<host>`). Every family serves a
robots.txt with a Sitemap line; some serve the sitemap, some a feed, one a dead sitemap.
Articles come with and without metadata; links spell one article several ways (http and
https, with and without the trailing slash, /index.htm, tracking parameters, AMP).

The text is generated from short invented sentences. `{base}`, `{https}` and `{amp}` in a page
stand for http://host, https://host and http://amp.host (the AMP host is never requested:
the crawler maps it to the main host, and nothing resolves it here)."""
from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote, unquote, urlsplit

from tests.portal import LocalSite, Response

PLACES = ["Nghi Lộc", "Diễn Châu", "Tuyên Hóa", "Hàm Thuận Bắc", "Ba Bể", "Phù Cát", "Tam Đường", "Kim Động"]
MODELS = ["Camera an ninh", "Tổ liên gia tự quản", "Tiếng kẻng an ninh", "Zalo an ninh trật tự"]
XML = "application/xml"
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def body_text(n: int) -> list[str]:
    """Five invented paragraphs (about 700 characters), different for every n."""
    place, model = PLACES[n % len(PLACES)], MODELS[n % len(MODELS)]
    return [
        f"Sáng nay, Công an huyện {place} tổ chức hội nghị sơ kết mô hình “{model}” số {n} tại hội trường xã.",
        f"Sau {2 + n % 5} năm triển khai, mô hình đã có {40 + n} điểm với sự tham gia của {300 + 11 * n} hộ dân.",
        f"Nhờ mô hình, lực lượng Công an đã tiếp nhận {n + 7} tin báo và giải quyết dứt điểm các vụ việc phát sinh.",
        "Tại hội nghị, đại biểu các thôn trao đổi kinh nghiệm vận động người dân cùng tham gia giữ gìn trật tự.",
        f"Thời gian tới, địa phương tiếp tục nhân rộng mô hình ra {3 + n % 4} xã lân cận trong năm {2024 + n % 2}.",
    ]


def title_of(n: int) -> str:
    return f"{PLACES[n % len(PLACES)]}: hiệu quả mô hình “{MODELS[n % len(MODELS)]}” số {n}"


HEAD = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Công an tỉnh</title>'
        '{head}</head><body><header><a href="{{base}}/"><img src="/logo.png" alt="Công an tỉnh"></a></header>'
        '<nav><a href="{{base}}/">Trang chủ</a> {nav}</nav>')
FOOT = '<footer><p>Cổng thông tin điện tử Công an tỉnh. Địa chỉ: số 1 đường Trần Phú.</p></footer></body></html>'


def article_page(n: int, nav: str = "", meta: str = "", related: list[str] = (), date: str = "2025-03-05") -> bytes:
    """An article; `meta`: "og" (og:type and article:published_time), "itemprop", "ld" (JSON-LD) or ""."""
    head = {"og": f'<meta property="og:type" content="article"><meta property="article:published_time" '
                  f'content="{date}T08:00:00+07:00">',
            "itemprop": "", "ld": '<script type="application/ld+json">{"@context": "https://schema.org", '
                                  f'"@type": "NewsArticle", "datePublished": "{date}"}}</script>'}.get(meta, "")
    dated = (f'<span itemprop="datePublished" content="{date}">{date}</span>' if meta == "itemprop"
             else f"<p class='ngay'>Ngày đăng: {date[8:]}/{date[5:7]}/{date[:4]}</p>")
    paragraphs = "".join(f"<p>{p}</p>" for p in body_text(n))
    more = "".join(f'<li><a href="{href}">Tin liên quan {i}</a></li>' for i, href in enumerate(related))
    page = (HEAD.format(title=title_of(n), head=head, nav=nav) + f"<main><article><h1>{title_of(n)}</h1>{dated}"
            f"{paragraphs}</article><div class='tin-lien-quan'><h4>Tin liên quan</h4><ul>{more}</ul></div></main>" + FOOT)
    return page.encode()


def listing_page(title: str, items: list[tuple[str, int]], pager: list[str] = (), nav: str = "", head: str = "",
                 og_article: bool = False) -> bytes:
    """A list of articles: linked headlines with a short excerpt each, and a pager."""
    if og_article:  # some CMSs put og:type=article on every page, listings included
        head += '<meta property="og:type" content="article">'
    rows = "".join(f'<div class="item"><h3><a href="{href}">{title_of(n)}</a></h3><p>{body_text(n)[0]}</p></div>'
                   for href, n in items)
    pages = " ".join(f'<a href="{href}">{i + 1}</a>' for i, href in enumerate(pager))
    return (HEAD.format(title=title, head=head, nav=nav) + f"<main><h1>{title}</h1>{rows}"
            f"<div class='pager'>{pages}</div></main>" + FOOT).encode()


def short_page(title: str, nav: str = "") -> bytes:
    return (HEAD.format(title=title, head="", nav=nav) + f"<main><h1>{title}</h1><p>Điện thoại trực ban: 069.000.000."
            "</p></main>" + FOOT).encode()


def sitemap(urls: list[tuple[str, str | None]], news: bool = False) -> Response:
    def entry(url: str, date: str | None) -> str:
        if news and date:
            return (f"<url><loc>{url}</loc><news:news><news:publication_date>{date}</news:publication_date>"
                    "</news:news></url>")
        return f"<url><loc>{url}</loc>" + (f"<lastmod>{date}</lastmod>" if date else "") + "</url>"

    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS} {NEWS_NS}>' + "".join(
        entry(u, d) for u, d in urls) + "</urlset>"
    return Response(200, body.encode(), XML)


def sitemap_index(urls: list[tuple[str, str | None]]) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {SITEMAP_NS}>' + "".join(
        f"<sitemap><loc>{u}</loc>" + (f"<lastmod>{d}</lastmod>" if d else "") + "</sitemap>" for u, d in urls
    ) + "</sitemapindex>"
    return Response(200, body.encode(), XML)


def rss(urls: list[tuple[str, str]]) -> Response:
    items = "".join(f"<item><title>Tin</title><link>{u}</link><pubDate>{d}</pubDate></item>" for u, d in urls)
    return Response(200, f'<rss version="2.0"><channel><title>Tin</title>{items}</channel></rss>'.encode(),
                    "application/rss+xml")


def robots(sitemap_path: str) -> Response:
    return Response(200, f"User-agent: *\nDisallow: /quan-tri/\nSitemap: {{base}}{sitemap_path}\n".encode(), "text/plain")


def html(body: bytes) -> Response:
    return Response(200, body)


@dataclass
class Family:
    """A fixture portal: its pages by canonical path, the source it is crawled with (a packaged
    source moved to the local host), the paths of its articles (what must be stored, once each)
    and of pages that must be fetched and followed but never stored."""
    name: str
    source: str  # the packaged source whose patterns it follows
    pages: dict[str, Response]
    articles: set[str]
    listings: set[str]
    old_articles: set[str] = field(default_factory=set)  # dated before 2024 in sitemaps or feeds


def _key(path: str) -> str:
    """How the fixture servers look a path up: escapes decoded, NFC, encoded again (as WordPress
    and IIS decode a request before routing it)."""
    parts = urlsplit(path)
    clean = quote(unicodedata.normalize("NFC", unquote(parts.path)), safe="/:@!$&'()*+,;=")
    return clean + ("?" + parts.query if parts.query else "")


class FamilyPortal(LocalSite):
    """FamilyPortal(family).start() serves the family; .hits logs every request (tests.portal's handler)."""

    def __init__(self, family: Family):
        self.family = family
        self.pages = {_key(p): r for p, r in family.pages.items()}
        super().__init__()

    def respond(self, path: str, count: int, headers: dict) -> Response:
        page = self.pages.get(_key(path))
        if page is None:
            return Response(404, b"khong tim thay")
        body = (page.body.replace(b"{base}", f"http://{self.host}".encode())
                .replace(b"{https}", f"https://{self.host}".encode())
                .replace(b"{amp}", f"http://amp.{self.host}".encode()))
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if page.status == 200 and headers.get("If-None-Match") == etag:
            return Response(304, b"", headers=(("ETag", etag),))
        return Response(page.status, body, page.content_type, page.headers + (("ETag", etag),))

    def sources_toml(self, **changes) -> str:
        return relocated_toml(self.family.source, self.host, **changes)


# --- the packaged sources, moved to the fixture's host ------------------------------------
def packaged_entry(name: str) -> dict:
    text = resources.files("policekb").joinpath("sources.toml").read_text(encoding="utf-8")
    return next(e for e in tomllib.loads(text)["source"] if e["name"] == name)


def relocated_toml(name: str, local_host: str, **changes) -> str:
    """The packaged source `name` with its host replaced by the fixture's (in URLs and in the
    patterns), no delay, no page cap: the crawl follows the very patterns shipped."""
    entry = packaged_entry(name)
    host = entry["allowed_hosts"][0]
    escaped_host, escaped_local = re.escape(host).replace("\\-", "-"), re.escape(local_host)

    def move(value):
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, str):
            value = value.replace(f"https://{host}", f"http://{local_host}")
            return value.replace(escaped_host, escaped_local).replace(host, local_host)
        return value

    entry = {key: move(value) for key, value in entry.items() if key != "max_pages"}
    entry.update(delay=0.0, **changes)
    return "[[source]]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in entry.items())


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "'" + value + "'" if "'" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
