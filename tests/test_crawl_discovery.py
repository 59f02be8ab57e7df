"""The pieces the crawler finds pages with, on short inputs: canonical URLs (ingest.urls),
sitemaps and feeds (ingest.discovery), and article detection (ingest.detect)."""
from __future__ import annotations

import unicodedata

import pytest

from ingest.detect import classify_page
from ingest.discovery import declared_feeds, feed_entries, sitemap_entries
from ingest.urls import UrlRules, canonical_url
from tests.families import article_page, listing_page, short_page

RULES = UrlRules(["cand.com.vn"], {"cand.com.vn": "https"})


@pytest.mark.parametrize("url, expected", [
    ("http://amp.cand.com.vn/Xa-hoi/bai-i1/?utm_source=fb&id=2#top", "https://cand.com.vn/Xa-hoi/bai-i1/?id=2"),
    ("https://www.cand.com.vn/Xa-hoi/Bai-123", "https://cand.com.vn/Xa-hoi/Bai-123/"),
    ("https://CAND.com.vn:443/a/index.htm", "https://cand.com.vn/a/"),
    ("https://cand.com.vn/bai/amp/", "https://cand.com.vn/bai/"),
    ("https://cand.com.vn/p.aspx?fbclid=x&b=2&a=1&zarsrc=30", "https://cand.com.vn/p.aspx?a=1&b=2"),
    ("https://cand.com.vn/a%2fb%7e.html", "https://cand.com.vn/a%2Fb~.html"),  # an escaped "/" stays escaped
    ("https://other.vn/x", "https://other.vn/x/"),
])
def test_canonical_urls(url, expected):
    assert canonical_url(url, RULES) == expected


def test_vietnamese_slugs_have_one_spelling():
    slug = "công-an-xã"
    spellings = [f"https://cand.com.vn/{slug}/", f"https://cand.com.vn/{unicodedata.normalize('NFD', slug)}/",
                 "https://cand.com.vn/c%c3%b4ng-an-x%c3%a3/", "https://cand.com.vn/co%CC%82ng-an-xa%CC%83"]
    assert {canonical_url(u, RULES) for u in spellings} == {"https://cand.com.vn/c%C3%B4ng-an-x%C3%A3/"}


def test_trailing_slash_policies():
    assert canonical_url("https://a.vn/x/", UrlRules(trailing_slash="strip")) == "https://a.vn/x"
    assert canonical_url("https://a.vn/x", UrlRules(trailing_slash="keep")) == "https://a.vn/x"
    assert canonical_url("https://a.vn/x.html", UrlRules(trailing_slash="add")) == "https://a.vn/x.html"


def test_sitemap_index_news_sitemap_and_dates():
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a.vn/s1.xml'
             b'</loc><lastmod>2024-05-01T10:00:00+07:00</lastmod></sitemap></sitemapindex>')
    news = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/'
            b'sitemap-news/0.9"><url><loc>https://a.vn/b-1.html</loc><lastmod>2025-01-02</lastmod><news:news>'
            b'<news:publication_date>2024-12-30</news:publication_date></news:news></url>'
            b'<url><loc>/b-2.html</loc></url></urlset>')
    found = sitemap_entries(index)
    assert [(e.url, e.date) for e in found.sitemaps] == [("https://a.vn/s1.xml", "2024-05-01")] and not found.pages
    pages = sitemap_entries(news, "https://a.vn/sitemap.xml").pages
    assert [(e.url, e.date) for e in pages] == [("https://a.vn/b-1.html", "2024-12-30"), ("https://a.vn/b-2.html", None)]
    assert sitemap_entries(b"<html>not xml").pages == []


def test_rss_and_atom_entries_with_dates():
    rss = (b'<rss version="2.0"><channel><item><link>https://a.vn/1.html</link><pubDate>Wed, 05 Mar 2025 08:00:00'
           b' +0700</pubDate></item><item><guid>https://a.vn/2.html</guid></item></channel></rss>')
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://a.vn/3.html"/>'
            b'<link rel="edit" href="https://a.vn/edit"/><updated>2024-01-09T00:00:00Z</updated></entry></feed>')
    assert [(e.url, e.date) for e in feed_entries(rss)] == [("https://a.vn/1.html", "2025-03-05"),
                                                            ("https://a.vn/2.html", None)]
    assert [(e.url, e.date) for e in feed_entries(atom)] == [("https://a.vn/3.html", "2024-01-09")]


def test_feeds_declared_in_the_head():
    page = (b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
            b'<link rel="alternate" hreflang="en" href="/en/"><link rel="stylesheet" href="/a.css"></head></html>')
    assert declared_feeds(page, "https://a.vn/x/") == ["https://a.vn/feed/"]


def test_article_pages_are_recognised_with_or_without_metadata():
    for meta, reason in [("og", "og:type=article"), ("ld", "JSON-LD NewsArticle"), ("itemprop", "itemprop"),
                         ("", "characters under one title")]:
        verdict = classify_page(article_page(3, meta=meta), "https://a.vn/bai-viet/")
        assert verdict.kind == "article" and reason in verdict.reason


def test_listings_tags_and_paginators_are_not_articles():
    many = [(f"/bai-{n}/", n) for n in range(8)]
    assert classify_page(listing_page("Tin tức", many), "https://a.vn/tin-tuc/").kind == "listing"
    # some CMSs put og:type=article on every page: a list of linked headlines is still a listing
    assert classify_page(listing_page("Tin tức", many, og_article=True), "https://a.vn/tin/").kind == "listing"
    assert classify_page(short_page("Liên hệ"), "https://a.vn/lien-he/").kind == "listing"
    for url in ("https://a.vn/category/tin/page/2/", "https://a.vn/xa-hoi/p2/", "https://a.vn/tag/camera/",
                "https://a.vn/tin/?page=3"):
        assert classify_page(article_page(1, meta="og"), url).kind == "listing"


def test_listing_with_long_excerpts_and_article_metadata_is_a_listing():
    rows = "".join(f'<div class="item"><h3><a href="/bai-{n}/">Tin {n}</a></h3><p>{"Nội dung tóm tắt. " * 20}</p>'
                   "</div>" for n in range(6))
    page = (f'<html><head><meta property="og:type" content="article"></head><body><main><h1>Tin tức</h1>{rows}'
            "</main></body></html>").encode()
    assert classify_page(page, "https://a.vn/tin-tuc/").kind == "listing"
