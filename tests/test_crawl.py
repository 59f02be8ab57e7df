"""The crawler against a fixture portal on 127.0.0.1 (tests/portal.py); nothing leaves the machine."""
from __future__ import annotations

import email.utils
import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus import Store
from corpus.crawlstate import CrawlState
from ingest.fetch import USER_AGENT, Fetcher, FetchPolicy, retry_after_seconds
from ingest.sources import SourceError, load_sources
from policekb.cli import main
from policekb.crawling import crawl, reparse, sources_path
from tests import portal as site

DELAY = 0.1
ROBOTS_BLOCKED = ["/noi-bo/bao-cao-mat-1.html", "/tin-tuc/bai-khong-cong-khai-906.html"]
PDF_ARTICLES = [n for n in range(1, site.ARTICLES + 1) if n % 6 == 0]


def policy(**changes) -> FetchPolicy:
    values = dict(timeout=0.5, retries=1, backoff=0.05, max_wait=5.0, max_bytes=200_000, default_delay=0.0)
    return FetchPolicy(**{**values, **changes})


def run_crawl(portal, db: Path, delay: float = 0.0, extra: str = "", **options):
    path = db.with_suffix(".toml")
    path.write_text(site.sources_toml(portal, delay=delay, extra=extra), encoding="utf-8")
    with Store(db) as store:
        return crawl(store, load_sources(path), fetcher=Fetcher(policy()), **options)


def pages_only(portal) -> list[str]:
    return [p for p in portal.paths() if p != "/robots.txt"]


def records(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {r["url"]: dict(r) for r in store.conn.execute("SELECT * FROM crawl_fetches")}


def document(db: Path, url: str) -> dict:
    with Store(db) as store:
        return dict(store.conn.execute("SELECT * FROM documents WHERE source = ?", (url,)).fetchone())


@pytest.fixture
def plain_portal():
    portal = site.Portal(specials=False).start()
    yield portal
    portal.stop()


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """One polite crawl (delay 0.1 s) of the whole portal, awkward pages included."""
    portal = site.Portal().start()
    db = tmp_path_factory.mktemp("full") / "kb.sqlite3"
    report = run_crawl(portal, db, delay=DELAY)
    yield portal, db, report
    portal.stop()


# --- the full crawl --------------------------------------------------------------
def test_full_crawl_follows_pagination_and_stores_articles_and_attachments(full):
    portal, db, report = full
    paths = pages_only(portal)
    for page in range(1, site.LISTING_PAGES + 1):
        assert paths.count(site.listing_path(page)) == 1
    for n in range(1, site.ARTICLES + 1):
        assert paths.count(site.article_path(n)) == 1
    assert "/lien-he.html" not in paths and not any("ngoai" in p for p in paths)
    with Store(db) as store:
        sources = {row["source"] for row in store.documents()}
    assert {portal.url(site.article_path(n)) for n in range(1, site.ARTICLES + 1)} <= sources
    pdf = document(db, portal.url("/van-ban/ke-hoach-12.pdf"))
    assert "Số: 112/KH-CAH" in pdf["text"] and pdf["media_type"] == "application/pdf"
    assert "Biểu mẫu đăng ký tham gia" in document(db, portal.url("/van-ban/bieu-mau-1.docx"))["text"]
    doc = records(db)[portal.url("/van-ban/cong-van-2.doc")]  # no parser: the bytes are kept for later
    assert doc["status"] == "kept_raw" and doc["content_hash"] and "application/msword" in doc["error"]
    assert report.stats["portal"].stored == site.ARTICLES + len(PDF_ARTICLES) + 1 + 4  # docx; 500, 429, 1258, old
    assert len(paths) >= 60


def test_vietnamese_article_text_title_and_date(full):
    portal, db, _ = full
    doc = document(db, portal.url(site.article_path(4)))
    assert doc["title"] == site.article_title(4) == "Tuyên Hóa: nhân rộng mô hình “Camera an ninh” tại xã Thạch Hóa"
    assert "mô hình “Camera an ninh” đã được xây dựng tại 14 điểm trên địa bàn xã Thạch Hóa" in doc["text"]
    assert "Bản quyền" not in doc["text"] and doc["published"] == site.article_date(4)


def test_windows_1258_page_is_decoded(full):
    portal, db, _ = full
    doc = document(db, portal.url("/tin-tuc/windows-1258-904.html"))
    assert site.WINDOWS_1258_SENTENCE in doc["text"]


def test_robots_disallowed_pages_are_never_requested(full):
    portal, db, _ = full
    for path in ROBOTS_BLOCKED:
        assert path not in portal.paths()
        record = records(db)[portal.url(path)]
        assert record["status"] == "blocked" and "robots.txt" in record["error"]
    assert portal.paths().count("/robots.txt") == 1


def test_requests_to_a_host_are_spaced_and_identified(full):
    portal, _, _ = full
    times = [hit.at for hit in portal.hits]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= DELAY
    assert {hit.headers["User-Agent"] for hit in portal.hits} == {USER_AGENT}
    assert USER_AGENT.startswith("policekb/") and "(+https://github.com/policekb/policekb)" in USER_AGENT


def test_retry_after_is_honoured(full):
    portal, db, _ = full
    hits = [h.at for h in portal.hits if h.path == "/tin-tuc/qua-tai-901.html"]
    assert len(hits) == 2 and hits[1] - hits[0] >= site.RETRY_AFTER
    assert records(db)[portal.url("/tin-tuc/qua-tai-901.html")]["status"] == "stored"


def test_server_error_then_success_is_stored_after_a_retry(full):
    portal, db, _ = full
    assert portal.paths().count("/tin-tuc/loi-tam-thoi-900.html") == 2
    assert "Tin đặc biệt số 0" in document(db, portal.url("/tin-tuc/loi-tam-thoi-900.html"))["text"]


def test_redirect_loop_and_slow_page_are_recorded_as_failures(full):
    portal, db, report = full
    loop = records(db)[portal.url("/tin-tuc/vong-lap-903.html")]
    assert loop["status"] == "failed" and "redirect loop" in loop["error"]
    assert sum(p.startswith("/tin-tuc/vong-lap-903.html") for p in portal.paths()) == 2
    slow = records(db)[portal.url("/tin-tuc/cham-902.html")]
    assert slow["status"] == "failed" and "timed out" in slow["error"]
    # a response that missed its deadline is not retried in the same run (the next round tries it again)
    assert portal.paths().count("/tin-tuc/cham-902.html") == 1
    assert report.stats["portal"].failed == 2


# --- resuming, revisiting, limits ---------------------------------------------------
def test_interrupted_crawl_resumes_without_refetching(plain_portal, tmp_path):
    def interrupt_after_ten(stats):
        if stats.fetched == 10:
            raise KeyboardInterrupt

    first = run_crawl(plain_portal, tmp_path / "kb.sqlite3", on_progress=interrupt_after_ten)
    assert first.interrupted and len(pages_only(plain_portal)) == 10
    second = run_crawl(plain_portal, tmp_path / "kb.sqlite3")
    assert second.stats["portal"].resumed and not second.interrupted
    paths = pages_only(plain_portal)
    assert len(paths) == len(set(paths)) == site.LISTING_PAGES + site.ARTICLES + len(PDF_ARTICLES) + 2
    with Store(tmp_path / "kb.sqlite3") as store:
        assert store.count_documents() == site.ARTICLES + len(PDF_ARTICLES) + 1  # and the .docx


def test_ctrl_c_stops_the_command_and_the_next_run_resumes(plain_portal, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "sources.toml").write_text(site.sources_toml(plain_portal, delay=0.05), encoding="utf-8")
    command = [sys.executable, "-m", "policekb.cli", "--home", str(home), "crawl"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(pages_only(plain_portal)) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted; run the same command again to resume" in err
    interrupted_at = len(pages_only(plain_portal))
    assert 5 <= interrupted_at < 20
    (home / "sources.toml").write_text(site.sources_toml(plain_portal), encoding="utf-8")  # finish fast
    assert main(["--home", str(home), "crawl"]) == 0
    paths = pages_only(plain_portal)
    assert len(paths) == len(set(paths)) == site.LISTING_PAGES + site.ARTICLES + len(PDF_ARTICLES) + 2


def test_revisit_uses_conditional_get_and_skips_fetched_articles(plain_portal, tmp_path):
    db = tmp_path / "kb.sqlite3"
    run_crawl(plain_portal, db)
    before = len(plain_portal.hits)
    with Store(db) as store:
        updated = {row["id"]: row["updated_at"] for row in store.documents()}
    again = run_crawl(plain_portal, db).stats["portal"]
    revisit = [h for h in plain_portal.hits[before:] if h.path != "/robots.txt"]
    assert sorted(h.path for h in revisit) == sorted(site.listing_path(p) for p in range(1, site.LISTING_PAGES + 1))
    assert all(h.headers.get("If-None-Match") and h.headers.get("If-Modified-Since") for h in revisit)
    assert again.unchanged == site.LISTING_PAGES and again.stored == 0
    assert records(db)[plain_portal.url("/tin-tuc/")]["status"] == "unchanged"
    with Store(db) as store:
        assert {row["id"]: row["updated_at"] for row in store.documents()} == updated


def test_max_pages_stops_the_crawl(plain_portal, tmp_path):
    stats = run_crawl(plain_portal, tmp_path / "kb.sqlite3", max_pages=5).stats["portal"]
    assert len(pages_only(plain_portal)) == stats.fetched == 5 and stats.queued > 0


def test_source_max_pages_applies_too(plain_portal, tmp_path):
    stats = run_crawl(plain_portal, tmp_path / "kb.sqlite3", extra="max_pages = 3\n").stats["portal"]
    assert len(pages_only(plain_portal)) == stats.fetched == 3


def test_since_skips_older_articles_and_their_attachments(plain_portal, tmp_path):
    db = tmp_path / "kb.sqlite3"
    run_crawl(plain_portal, db, since="2024-07-01")
    found = records(db)
    for n in range(1, site.ARTICLES + 1):
        record = found[plain_portal.url(site.article_path(n))]
        expected = "stored" if site.article_date(n) >= "2024-07-01" else "too_old"
        assert record["status"] == expected, (n, record)
    fetched_pdfs = {p for p in plain_portal.paths() if p.endswith(".pdf")}
    assert fetched_pdfs == {f"/van-ban/ke-hoach-{n}.pdf" for n in PDF_ARTICLES if site.article_date(n) >= "2024-07-01"}


def test_sitemap_index_and_rss_feed_seed_the_frontier(plain_portal, tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text(site.sources_toml(plain_portal).replace(
        f'start_urls = ["{plain_portal.url("/tin-tuc/")}"]',
        f'start_urls = []\nsitemaps = ["{plain_portal.url("/sitemap.xml")}"]\nfeeds = ["{plain_portal.url("/rss.xml")}"]'))
    with Store(tmp_path / "kb.sqlite3") as store:
        crawl(store, load_sources(toml), fetcher=Fetcher(policy()))
    articles = {p for p in pages_only(plain_portal) if p.startswith("/tin-tuc/")}
    assert articles == {site.article_path(n) for n in range(1, 9)}


# --- robots.txt answers ---------------------------------------------------------------
def test_robots_txt_server_error_means_the_host_is_not_crawled(tmp_path):
    portal = site.Portal(robots="500").start()
    try:
        report = run_crawl(portal, tmp_path / "kb.sqlite3")
    finally:
        portal.stop()
    assert set(portal.paths()) == {"/robots.txt"}
    record = records(tmp_path / "kb.sqlite3")[portal.url("/tin-tuc/")]
    assert record["status"] == "blocked" and "unavailable" in record["error"]
    assert report.stats["portal"].fetched == 0


def test_robots_txt_missing_means_everything_is_allowed(tmp_path):
    portal = site.Portal(robots="404", specials=False).start()
    try:
        run_crawl(portal, tmp_path / "kb.sqlite3", max_pages=4)
    finally:
        portal.stop()
    assert len(pages_only(portal)) == 4


def test_robots_txt_crawl_delay_wins_over_a_shorter_configured_delay(tmp_path):
    portal = site.Portal(robots="crawl-delay", specials=False).start()
    try:
        run_crawl(portal, tmp_path / "kb.sqlite3", delay=0.05, max_pages=2)
    finally:
        portal.stop()
    times = [hit.at for hit in portal.hits]
    assert len(times) == 3 and times[2] - times[1] >= 1.0  # robots.txt, then two pages a second apart


def test_unreachable_robots_txt_blocks_the_host():
    fetcher = Fetcher(policy(retries=0))
    assert "unavailable" in fetcher.robots_verdict("http://127.0.0.1:9/tin-tuc/")  # discard port: refused


# --- the fetcher alone ------------------------------------------------------------------
def test_response_size_limit(plain_portal):
    result = Fetcher(policy()).fetch(plain_portal.url("/tin-tuc/qua-lon-907.html"))
    assert result.outcome == "failed" and "larger than 200000 bytes" in result.error


def test_redirects_are_bounded(plain_portal):
    fetcher = Fetcher(policy(max_redirects=3))
    too_many = fetcher.fetch(plain_portal.url("/chuyen-huong/1"))
    assert too_many.outcome == "failed" and "more than 3 redirects" in too_many.error
    assert len(pages_only(plain_portal)) == 4
    followed = fetcher.fetch(plain_portal.url("/chuyen-huong/4"))
    assert followed.outcome == "ok" and b"Tin t" in followed.content


def test_conditional_get_answers_not_modified(plain_portal):
    fetcher = Fetcher(policy())
    first = fetcher.fetch(plain_portal.url("/tin-tuc/"))
    again = fetcher.fetch(plain_portal.url("/tin-tuc/"), first.etag, first.last_modified)
    assert first.outcome == "ok" and again.outcome == "not_modified" and again.content is None


def test_media_type_of_generic_downloads():
    from ingest.crawl import media_type_of
    from ingest.readers import SUPPORTED_SUFFIXES

    assert media_type_of("application/octet-stream", "http://h/vb/KH-12.PDF", b"%PDF-1.4") == "application/pdf"
    assert media_type_of("application/force-download", "http://h/vb/a.docx", b"PK") == SUPPORTED_SUFFIXES[".docx"]
    assert media_type_of(None, "http://h/tin/12", b"  <!doctype html>") == "text/html"
    assert media_type_of("application/octet-stream", "http://h/vb/a.doc", b"\xd0\xcf") == "application/octet-stream"
    assert media_type_of("text/xml", "http://h/rss", b"<?xml") == "text/xml"


def test_retry_after_values():
    now = 1_700_000_000.0
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert retry_after_seconds(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    fetcher = Fetcher(policy(max_wait=5.0))
    assert fetcher._backoff(0, 3600.0) == 5.0 and fetcher._backoff(2, None) == pytest.approx(0.2)


def test_throttle_spacing_with_an_injected_clock():
    from ingest.fetch import HostThrottle

    now, slept = [0.0], []
    throttle = HostThrottle(clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    throttle.done("http://a", 2.0)
    throttle.wait_turn("http://a")
    throttle.wait_turn("http://b")
    throttle.hold("http://a", 10.0)
    throttle.wait_turn("http://a")
    assert slept == [2.0, 10.0]


# --- offline parsing, sources, command line ---------------------------------------------
def test_stored_pages_parse_again_without_the_network(tmp_path):
    portal = site.Portal(specials=False).start()
    db = tmp_path / "kb.sqlite3"
    run_crawl(portal, db, max_pages=12)
    portal.stop()
    with Store(db) as store:
        count = store.count_documents()
        stats = reparse(store)
        assert stats.stored == count > 0 and store.count_documents() == count
        assert all(r.status == "stored" for r in CrawlState(store).records())


def test_packaged_sources_and_bad_files(tmp_path):
    packaged = load_sources(sources_path(tmp_path))
    hosts = {h for s in packaged for h in s.allowed_hosts}
    assert {"congan.nghean.gov.vn", "congan.binhthuan.gov.vn", "conganquangbinh.gov.vn", "congan.hatinh.gov.vn",
            "cand.com.vn"} <= hosts  # Quảng Bình's portal is on conganquangbinh.gov.vn (issue #14)
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "x"\nstart_urls = ["http://a/"]\n'
                                           "article_patterns = ['(']\n")
    assert sources_path(tmp_path) == tmp_path / "sources.toml"
    with pytest.raises(SourceError, match="bad regex"):
        load_sources(tmp_path / "sources.toml")
    (tmp_path / "slow.toml").write_text('[[source]]\nname = "x"\nstart_urls = ["http://a/"]\ndelay = "5"\n')
    with pytest.raises(SourceError, match="delay of source 'x' must be a number"):
        load_sources(tmp_path / "slow.toml")
    with pytest.raises(SourceError, match="not valid TOML"):
        (tmp_path / "bad.toml").write_text("[[source]\n")
        load_sources(tmp_path / "bad.toml")


def test_progress_bar_on_a_terminal_only(plain_portal, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_crawl(plain_portal, tmp_path / "kb.sqlite3", max_pages=3)
    assert "portal: " in terminal.getvalue() and "queued=" in terminal.getvalue() and "page/s" in terminal.getvalue()


def test_cli_crawl_uses_home_sources_and_updates_the_index(plain_portal, tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "sources.toml").write_text(site.sources_toml(plain_portal), encoding="utf-8")
    assert main(["--home", str(home), "crawl", "--max-pages", "4"]) == 0
    out, err = capsys.readouterr()
    assert "portal: 4 fetched" in out and "search index built" in out and err == ""  # no bar off a terminal
    assert main(["--home", str(home), "index"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "crawl", "--source", "portal", "--max-pages", "3", "--since", "2024-01-01"]) == 0
    out = capsys.readouterr().out
    assert "portal: 3 fetched" in out and "no search index" not in out
    from search_engine.engine import SearchEngine

    engine = SearchEngine.open(home / "index")
    with engine.ix.searcher() as searcher:
        assert searcher.doc_count() == Store(home / "policekb.sqlite3").count_documents() > 0


def test_cli_crawl_reports_unknown_source_and_bad_date(plain_portal, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(site.sources_toml(plain_portal, name="khac"), encoding="utf-8")
    assert main(["--home", str(tmp_path / "h"), "crawl", "--sources", str(other), "--source", "nope"]) == 2
    assert "no source named 'nope'; known: khac" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path / "h"), "crawl", "--since", "yesterday"])
    assert main(["--home", str(tmp_path / "h"), "crawl", "--sources", str(other), "--reparse"]) == 0
    assert plain_portal.paths() == []
