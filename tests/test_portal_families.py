"""Crawling the fixture portal of each CMS family (tests/family_sites.py) with the packaged
source for it, moved to 127.0.0.1: every article stored once under its canonical URL, listings,
tags and paginators followed and never stored, AMP copies and other spellings collapsed.
Nothing leaves the machine."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Store
from ingest.fetch import Fetcher, FetchPolicy
from ingest.sources import load_sources
from policekb.crawling import crawl
from tests.families import FamilyPortal
from tests.family_sites import FAMILIES

TRACKING = ("utm_", "fbclid", "zarsrc", "?id=", "amp.", "/amp/", "index.htm", "https://")


def policy() -> FetchPolicy:
    return FetchPolicy(timeout=5.0, retries=0, backoff=0.05, max_wait=1.0, default_delay=0.0)


def run(portal: FamilyPortal, db: Path, **options):
    toml = db.with_suffix(".toml")
    toml.write_text(portal.sources_toml(), encoding="utf-8")
    with Store(db) as store:
        return crawl(store, load_sources(toml), fetcher=Fetcher(policy()), **options)


def stored_sources(db: Path) -> list[str]:
    with Store(db) as store:
        return [row["source"] for row in store.conn.execute("SELECT source FROM documents")]


def fetch_records(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {row["url"]: dict(row) for row in store.conn.execute("SELECT * FROM crawl_fetches")}


def frontier(db: Path) -> list[str]:
    with Store(db) as store:
        return [row["url"] for row in store.conn.execute("SELECT url FROM crawl_frontier")]


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def crawled(request, tmp_path_factory):
    family = FAMILIES[request.param]()
    portal = FamilyPortal(family).start()
    db = tmp_path_factory.mktemp(family.name) / "kb.sqlite3"
    report = run(portal, db)
    yield family, portal, db, report
    portal.stop()


def test_every_article_is_stored_exactly_once(crawled):
    family, portal, db, report = crawled
    stored = stored_sources(db)
    assert sorted(stored) == sorted(portal.url(path) for path in family.articles)
    assert report.stats[family.source].stored == len(family.articles)


def test_listings_tags_and_paginators_are_followed_never_stored(crawled):
    family, portal, db, _ = crawled
    requested = set(portal.paths())
    records = fetch_records(db)
    for path in family.listings:
        assert path in requested, path
        record = records[portal.url(path)]
        assert record["kind"] == "listing" and record["document_id"] is None, record


def test_one_request_per_page_and_one_spelling_per_url(crawled):
    family, portal, db, _ = crawled
    pages = [path for path in portal.paths() if path != "/robots.txt"]
    assert len(pages) == len(set(pages))  # no page fetched twice under two spellings
    for url in frontier(db) + list(fetch_records(db)):
        rest = url.removeprefix(portal.url(""))
        assert not any(mark in rest for mark in TRACKING), url  # AMP copies and tracking spellings collapsed
        assert url.startswith(portal.url("/")), url  # nothing off the source was queued


def test_article_pages_are_judged_or_matched_as_articles(crawled):
    family, portal, db, _ = crawled
    records = fetch_records(db)
    kinds = {records[portal.url(path)]["kind"] for path in family.articles}
    assert kinds == {"article"}


def test_robots_txt_sitemaps_and_declared_feeds_are_read(crawled):
    family, portal, _, _ = crawled
    requested = portal.paths()
    sitemap = {"nghean": "/sitemap-2025.xml", "aspnet": "/sitemap.xml", "wordpress": "/wp-sitemap-posts-post-1.xml",
               "nukeviet": "/sitemap.xml", "cand": "/sitemaps/news.xml"}[family.name]
    assert sitemap in requested
    if family.name in ("aspnet", "wordpress"):  # feeds declared by <link rel="alternate"> in the head
        assert {"aspnet": "/rss.aspx", "wordpress": "/feed/"}[family.name] in requested
    if family.name == "wordpress":  # a post's comment feed is declared too, and ignored
        assert not any(path.endswith("/feed/") and path != "/feed/" for path in requested)


def test_pages_no_pattern_allows_are_never_requested():
    family = FAMILIES["nukeviet"]()
    portal = FamilyPortal(family).start()
    try:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            run(portal, Path(folder) / "kb.sqlite3")
        requested = portal.paths()
    finally:
        portal.stop()
    assert not any("/print/" in path or "/sendmail/" in path for path in requested)


@pytest.mark.parametrize("name", ["nghean", "cand"])
def test_since_skips_sitemap_entries_and_nested_sitemaps_older_than_the_date(name, tmp_path):
    family = FAMILIES[name]()
    portal = FamilyPortal(family).start()
    try:
        run(portal, tmp_path / "kb.sqlite3", since="2024-01-01")
        requested = portal.paths()
    finally:
        portal.stop()
    assert family.old_articles and not set(family.old_articles) & set(requested)
    assert "/sitemap-2019.xml" not in requested  # a nested sitemap last modified before the date
    assert sorted(stored_sources(tmp_path / "kb.sqlite3")) == sorted(
        portal.url(p) for p in family.articles - family.old_articles)


def test_a_second_crawl_fetches_no_article_again(tmp_path):
    """Pages judged articles by their content were queued as listings: once judged, they are
    not revisited; listings are, with conditional GET."""
    family = FAMILIES["wordpress"]()
    portal = FamilyPortal(family).start()
    try:
        run(portal, tmp_path / "kb.sqlite3")
        before = len(portal.hits)
        again = run(portal, tmp_path / "kb.sqlite3").stats[family.source]
        revisited = [hit for hit in portal.hits[before:] if hit.path != "/robots.txt"]
    finally:
        portal.stop()
    articles = {portal.url(p).removeprefix(portal.url("")) for p in family.articles}
    assert revisited and not {hit.path for hit in revisited} & articles
    assert again.stored == 0 and again.unchanged == len(revisited) - again.failed


@pytest.mark.parametrize("crawled", ["wordpress"], indirect=True)
def test_wordpress_slugs_are_one_document_whatever_their_spelling(crawled):
    family, portal, db, _ = crawled
    stored = stored_sources(db)
    assert all("%C3%" in url or "%E1%" in url for url in stored)  # precomposed (NFC), upper-case escapes
    assert not any("%cc" in url.lower() for url in stored)  # no combining marks left
