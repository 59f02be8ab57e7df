"""Faults from hostile servers and hostile files, each against a local server the test
starts itself (tests/hostile.py, tests/portal.py) or a file it makes, each bounded in time:
redirects off the source, servers trickling bytes, the PDF worker's error state,
HTML in the bounded worker, and paths that are not regular files."""
from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from corpus import Store
from ingest import ParseError, read_bytes, read_path, readers, sandbox
from ingest.fetch import Fetcher, FetchPolicy
from ingest.sources import SourceError, load_sources
from policekb.crawling import crawl, reparse
from tests import hostile, portal as site
from tests.test_ingest import pdf_bytes

TIMEOUT = 2.0  # the per-response deadline the deadline tests configure
MARGIN = 1.5  # what a deadline may overrun by on a busy machine


def policy(**changes) -> FetchPolicy:
    values = dict(timeout=5.0, retries=1, backoff=0.05, max_wait=5.0, max_bytes=2_000_000, default_delay=0.0)
    return FetchPolicy(**{**values, **changes})


def bounded(seconds: float, func, *args):
    """func(*args) in a thread; fails the test (instead of hanging it) when it takes longer."""
    box: dict = {}

    def call():
        try:
            box["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def on(server):
    return lambda url: urlsplit(url).netloc == server.host


def records(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {r["url"]: dict(r) for r in store.conn.execute("SELECT * FROM crawl_fetches")}


def frontier(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return {r["url"]: r["state"] for r in store.conn.execute("SELECT url, state FROM crawl_frontier")}


def documents(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {r["source"]: dict(r) for r in store.conn.execute("SELECT * FROM documents")}


@pytest.fixture
def server():
    started = hostile.HostileServer(interval=0.5).start()
    yield started
    started.stop()


@pytest.fixture
def internal():
    """Stands for an internal address a redirect must never reach."""
    started = hostile.HostileServer(interval=0.5).start()
    started.pages["/secret"] = hostile.Page(200, hostile.article("Bí mật nội bộ", "Mật khẩu quản trị: hunter2"))
    yield started
    started.stop()


def crawl_toml(tmp_path: Path, toml: str, **options):
    path = tmp_path / "sources.toml"
    path.write_text(toml, encoding="utf-8")
    with Store(tmp_path / "kb.sqlite3") as store:
        return crawl(store, load_sources(path), fetcher=Fetcher(policy()), **options)


# --- 1. redirects stay inside the source -------------------------------------------------
def test_redirect_to_another_host_is_skipped_and_never_requested(server, internal, tmp_path):
    server.pages["/danh-sach/"] = hostile.Page(200, b'<a href="/bai/chuyen-di.html">x</a>'
                                                    b'<a href="/bai/binh-thuong.html">y</a>')
    server.pages["/bai/chuyen-di.html"] = hostile.Page(302, headers={"Location": internal.url("/secret")})
    server.pages["/bai/binh-thuong.html"] = hostile.Page(200, hostile.article(
        "Mô hình Camera an ninh", "Công an xã Cam Hiếu lắp 45 camera an ninh."))
    report = bounded(60, crawl_toml, tmp_path, hostile.sources_toml("nguon", server.host, "/danh-sach/"))
    assert internal.paths() == []  # neither its robots.txt nor the page
    redirect = records(tmp_path / "kb.sqlite3")[server.url("/bai/chuyen-di.html")]
    assert redirect["status"] == "skipped" and redirect["http_status"] == 302
    assert internal.url("/secret") in redirect["error"] and redirect["content_hash"] is None
    assert frontier(tmp_path / "kb.sqlite3")[server.url("/bai/chuyen-di.html")] == "skipped"
    docs = documents(tmp_path / "kb.sqlite3")
    assert set(docs) == {server.url("/bai/binh-thuong.html")}
    assert not any("hunter2" in doc["text"] for doc in docs.values())
    stats = report.stats["nguon"]
    assert stats.skipped == stats.off_source == 1 and stats.stored == 1 and stats.failed == 0


def test_redirect_chain_leaving_the_source_on_a_later_hop(server, internal):
    server.pages["/a"] = hostile.Page(301, headers={"Location": "/b"})
    server.pages["/b"] = hostile.Page(307, headers={"Location": internal.url("/secret")})
    result = Fetcher(policy()).fetch(server.url("/a"), allowed=on(server))
    assert result.outcome == "off_source" and result.location == internal.url("/secret")
    assert [path for path in server.paths() if path != "/robots.txt"] == ["/a", "/b"] and internal.paths() == []
    assert result.hops == [(server.url("/a"), 301), (server.url("/b"), 307)]


def test_in_source_redirect_is_stored_under_the_url_its_content_came_from(server, tmp_path):
    server.pages["/danh-sach/"] = hostile.Page(301, headers={"Location": "/tin-tuc/"})
    server.pages["/tin-tuc/"] = hostile.Page(200, b'<a href="cu.html">cu</a>')  # relative to the final URL
    server.pages["/tin-tuc/cu.html"] = hostile.Page(302, headers={"Location": "/tin-tuc/moi.html"})
    server.pages["/tin-tuc/moi.html"] = hostile.Page(200, hostile.article(
        "Tổ liên gia tự quản", "Công an huyện Diễn Châu nhân rộng mô hình tại 12 xóm."))
    db = tmp_path / "kb.sqlite3"
    report = bounded(60, crawl_toml, tmp_path, hostile.sources_toml("nguon", server.host, "/danh-sach/"))
    found = records(db)
    old, new = found[server.url("/tin-tuc/cu.html")], found[server.url("/tin-tuc/moi.html")]
    assert old["status"] == "redirected" and old["error"] == f"redirected to {server.url('/tin-tuc/moi.html')}"
    assert old["content_hash"] is None and old["http_status"] == 302
    assert new["status"] == "stored" and new["content_hash"] and new["document_id"] == old["document_id"]
    assert found[server.url("/danh-sach/")]["status"] == "redirected"
    assert found[server.url("/tin-tuc/")]["status"] == "fetched"
    assert set(documents(db)) == {server.url("/tin-tuc/moi.html")}
    assert frontier(db)[server.url("/tin-tuc/moi.html")] == "done"
    assert server.paths().count("/tin-tuc/moi.html") == 1 and report.stats["nguon"].stored == 1
    with Store(db) as store:  # parsing again offline keeps the one document, under the same URL
        assert reparse(store).stored == 1 and store.count_documents() == 1


def test_redirect_into_a_robots_disallowed_path_is_not_requested(server):
    server.pages["/bai/a.html"] = hostile.Page(302, headers={"Location": "/private/b.html"})
    server.pages["/private/b.html"] = hostile.Page(200, hostile.article("Nội bộ", "không công khai"))
    result = Fetcher(policy()).fetch(server.url("/bai/a.html"), allowed=on(server))
    assert result.outcome == "blocked" and "robots.txt" in result.error and "/private/b.html" in result.error
    assert "/private/b.html" not in server.paths()


def test_robots_txt_redirecting_off_the_source_blocks_the_host(internal, tmp_path):
    server = hostile.HostileServer(robots=None).start()
    try:
        server.pages["/robots.txt"] = hostile.Page(302, headers={"Location": internal.url("/robots.txt")})
        server.pages["/danh-sach/"] = hostile.Page(200, b"<p>x</p>")
        report = bounded(60, crawl_toml, tmp_path, hostile.sources_toml("nguon", server.host, "/danh-sach/"))
    finally:
        server.stop()
    assert internal.paths() == [] and server.paths() == ["/robots.txt"]
    record = records(tmp_path / "kb.sqlite3")[server.url("/danh-sach/")]
    assert record["status"] == "blocked" and internal.url("/robots.txt") in record["error"]
    assert report.stats["nguon"].fetched == 0


# --- 2. deadlines, not just timeouts --------------------------------------------------------
TRICKLES = ["headers", "body", "chunked"]


@pytest.mark.parametrize("trickle", TRICKLES)
def test_trickling_response_ends_at_its_deadline(server, trickle):
    body = hostile.article("Tin chậm", "một byte mỗi nửa giây " * 4)
    server.pages["/bai/cham.html"] = hostile.Page(200, body, trickle=trickle)
    fetcher = Fetcher(policy(timeout=TIMEOUT, retries=3))
    fetcher.robots_verdict(server.url("/"))  # robots.txt outside the timing
    started = time.monotonic()
    result = bounded(30, fetcher.fetch, server.url("/bai/cham.html"))
    elapsed = time.monotonic() - started
    assert result.outcome == "failed" and result.error == f"timed out after {TIMEOUT:g} s"
    assert TIMEOUT - 0.1 <= elapsed <= TIMEOUT + MARGIN
    assert server.paths().count("/bai/cham.html") == 1  # a missed deadline is not retried at once


def test_per_source_timeout_overrides_the_default(server):
    server.pages["/bai/cham.html"] = hostile.Page(200, b"x" * 100, trickle="body")
    fetcher = Fetcher(policy(timeout=60.0))
    fetcher.robots_verdict(server.url("/"))
    started = time.monotonic()
    result = bounded(30, fetcher.fetch, server.url("/bai/cham.html"), None, None, None, 1.0)
    assert result.outcome == "failed" and "timed out after 1 s" in result.error
    assert time.monotonic() - started <= 1.0 + MARGIN


def test_slow_source_does_not_hold_up_the_others(server, tmp_path):
    """Source "cham" trickles three pages (headers, body, chunked body); source "portal"
    crawls a whole portal meanwhile; each trickling page fails at its own deadline."""
    links = "".join(f'<a href="/bai/{kind}.html">{kind}</a>' for kind in TRICKLES)
    server.pages["/danh-sach/"] = hostile.Page(200, links.encode())
    for kind in TRICKLES:
        server.pages[f"/bai/{kind}.html"] = hostile.Page(200, hostile.article(kind, "chậm " * 20), trickle=kind)
    portal = site.Portal(specials=False).start()
    try:
        toml = (hostile.sources_toml("cham", server.host, "/danh-sach/", timeout=TIMEOUT) + "\n"
                + site.sources_toml(portal, name="portal", extra="max_pages = 20\n"))
        started = time.monotonic()
        report = bounded(120, crawl_toml, tmp_path, toml)
        elapsed = time.monotonic() - started
    finally:
        portal.stop()
    found = records(tmp_path / "kb.sqlite3")
    for kind in TRICKLES:
        record = found[server.url(f"/bai/{kind}.html")]
        assert record["status"] == "failed" and record["error"] == f"timed out after {TIMEOUT:g} s", kind
    starts = sorted(t for kind in TRICKLES for t in server.times(f"/bai/{kind}.html"))
    assert len(starts) == 3
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert all(TIMEOUT - 0.1 <= gap <= TIMEOUT + MARGIN for gap in gaps), gaps  # one deadline each, then the next
    assert report.stats["portal"].fetched == 20 and report.stats["portal"].stored >= 10
    assert portal.hits[-1].at < starts[-1]  # the portal was done while "cham" still waited on its pages
    assert report.stats["cham"].failed == 3 and not report.interrupted
    assert elapsed <= 3 * TIMEOUT + 20


def test_timeout_in_sources_toml(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(hostile.sources_toml("a", "h", "/", timeout=7.5), encoding="utf-8")
    assert load_sources(path)[0].timeout == 7.5
    path.write_text(hostile.sources_toml("a", "h", "/"), encoding="utf-8")
    assert load_sources(path)[0].timeout is None  # the fetcher's default: 60 s
    assert FetchPolicy().timeout == 60.0
    path.write_text(hostile.sources_toml("a", "h", "/") + "timeout = 0\n", encoding="utf-8")
    with pytest.raises(SourceError, match="timeout of source 'a' must be a number of seconds > 0"):
        load_sources(path)


# --- 3. a PDF's error is its own ------------------------------------------------------------
def _page_count_bomb(count: int) -> bytes:
    """A real PDF whose page tree claims `count` pages and lists none (same length, so the xref holds)."""
    data = pdf_bytes(["Trang"])
    tree = re.search(rb"/Count 1\n/Kids \[3 0 R\]", data)
    assert tree, "fpdf2 wrote the page tree differently"
    claim = f"/Count {count}\n/Kids[".encode()
    replacement = claim + b" " * (len(tree.group(0)) - len(claim) - 1) + b"]"
    assert len(replacement) == len(tree.group(0))
    return data.replace(tree.group(0), replacement)


@pytest.fixture
def fresh_worker():
    sandbox.reset()
    yield
    sandbox.reset()


def test_each_pdf_gets_its_own_error_in_a_reused_worker(fresh_worker):
    worker = sandbox.run_limited(os.getpid)
    with pytest.raises(ParseError, match="encrypted with a password"):
        read_bytes(pdf_bytes(["bí mật"], password="secret"), "khoa.pdf", "application/pdf")
    assert "15 xóm" in read_bytes(pdf_bytes(["Tổ liên gia tại 15 xóm"]), "tot.pdf", "application/pdf").text
    with pytest.raises(ParseError) as bomb:
        read_bytes(_page_count_bomb(9_999_999), "bom.pdf", "application/pdf")
    assert "encrypted" not in str(bomb.value) and "no pages it can read" in str(bomb.value)
    with pytest.raises(ParseError, match=r"the PDF has 5000 pages \(limit 3000\)"):
        read_bytes(_page_count_bomb(5000), "bom-5000.pdf", "application/pdf")
    with pytest.raises(ParseError, match="encrypted with a password"):
        read_bytes(pdf_bytes(["bí mật"], password="secret"), "khoa-2.pdf", "application/pdf")
    with pytest.raises(ParseError, match="damaged or truncated"):
        good = pdf_bytes(["Nội dung"])
        read_bytes(good[: len(good) // 3], "cut.pdf", "application/pdf")
    assert sandbox.run_limited(os.getpid) == worker  # all in one worker: none was replaced


# --- 4. HTML in the bounded worker ----------------------------------------------------------
def _big_page(megabytes: float) -> bytes:
    row = "<div><p>Công an xã Cam Hiếu lắp <b>45</b> camera</p></div>\n"
    count = int(megabytes * 1024 * 1024 / len(row.encode()))
    return f"<html><head><title>Lớn</title></head><body>{row * count}</body></html>".encode()


def test_html_over_the_size_cap_is_refused_before_parsing(monkeypatch, fresh_worker):
    assert readers.MAX_HTML_BYTES == 10 * 1024 * 1024 or "POLICEKB_HTML_MAX_MB" in os.environ
    monkeypatch.setattr(readers, "MAX_HTML_BYTES", 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"HTML page is too large to parse \(\d+ bytes, limit 1048576"):
        read_bytes(_big_page(2), "https://congan.example.vn/lon.html", "text/html")
    assert time.monotonic() - started < 1.0


def test_large_html_ends_at_the_memory_limit_and_the_batch_goes_on(monkeypatch, fresh_worker):
    monkeypatch.setattr(sandbox, "MEMORY_MB", 64)
    page = _big_page(8)
    with pytest.raises(ParseError, match="memory limit of 64 MB"):
        bounded(120, read_bytes, page, "https://congan.example.vn/lon.html", "text/html")
    small = hostile.article("Camera an ninh", "Công an xã Cam Hiếu lắp 45 camera an ninh tại các thôn.")
    assert "45 camera" in read_bytes(small, "https://congan.example.vn/nho.html", "text/html").text


def test_slow_html_ends_at_the_parse_timeout(monkeypatch, fresh_worker):
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(ParseError, match="parsing timed out after 0.5 s"):
        bounded(60, read_bytes, _big_page(8), "https://congan.example.vn/lon.html", "text/html")
    assert time.monotonic() - started < 10
    small = hostile.article("Camera an ninh", "Công an xã Cam Hiếu lắp 45 camera an ninh tại các thôn.")
    assert "45 camera" in read_bytes(small, "https://congan.example.vn/nho.html", "text/html").text


def test_html_is_parsed_in_the_reused_worker(fresh_worker):
    small = hostile.article("Camera an ninh", "Công an xã Cam Hiếu lắp 45 camera an ninh tại các thôn.")
    worker = sandbox.run_limited(os.getpid)
    for n in range(5):
        assert "45 camera" in read_bytes(small, f"https://congan.example.vn/{n}.html", "text/html").text
    assert sandbox.run_limited(os.getpid) == worker != os.getpid()


# --- 5. only regular files are read ------------------------------------------------------------
def test_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "ong.txt"
    os.mkfifo(fifo)
    try:
        with pytest.raises(ParseError, match=r"not a regular file \(a FIFO"):
            bounded(5, read_path, fifo)
        with pytest.raises(ParseError, match="FIFO"):
            bounded(5, readers.read_file, fifo)
    finally:
        _unblock(fifo)


def _unblock(fifo: Path) -> None:
    """Should a reader be stuck opening the FIFO, a writer lets it go (the test has failed by then)."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


def test_link_to_a_device_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ParseError, match=r"not a regular file \(a character device\)"):
        bounded(5, read_path, link)


def test_dangling_link_and_folder_are_reported(tmp_path):
    (tmp_path / "mat.txt").symlink_to(tmp_path / "khong-co.txt")
    with pytest.raises(ParseError, match="dangling symbolic link"):
        read_path(tmp_path / "mat.txt")
    (tmp_path / "thu-muc.html").mkdir()
    with pytest.raises(ParseError, match=r"not a regular file \(a folder\)"):
        read_path(tmp_path / "thu-muc.html")
    with pytest.raises(FileNotFoundError):
        read_path(tmp_path / "khong-co.txt")


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "lon.txt"
    with open(big, "wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: 60 MB that cost nothing
    with pytest.raises(ParseError, match=r"file is too large \(62914560 bytes, limit 52428800\)"):
        bounded(5, read_path, big)
    (tmp_path / "ok.txt").write_text("Công an xã Cam Hiếu lắp 45 camera an ninh.", encoding="utf-8")
    assert readers.read_file(tmp_path / "ok.txt", limit=100).startswith("Công".encode())
    with pytest.raises(ParseError, match="too large"):
        readers.read_file(tmp_path / "ok.txt", limit=10)
    raw = (tmp_path / "ok.txt").read_bytes()
    assert "45 camera" in read_path(tmp_path / "ok.txt", raw).text


def test_extract_command_reports_a_fifo_instead_of_hanging(tmp_path):
    from policekb.pipeline import extract_paths

    fifo = tmp_path / "ong.html"
    os.mkfifo(fifo)
    try:
        results = bounded(10, lambda: list(extract_paths([fifo])))
    finally:
        _unblock(fifo)
    assert [(path, error) for path, _, error in results] == [
        (fifo, "not a regular file (a FIFO (named pipe)): only regular files are read")]


def _hold_memory(megabytes: int) -> str:
    hoard = bytearray(megabytes * 1024 * 1024)
    hoard[::4096] = b"x" * len(hoard[::4096])  # touched, so it is resident
    del hoard
    return "ok"


def _parser_bug(data: bytes):
    raise ValueError("a bug in a parser")


def test_an_earlier_files_memory_peak_does_not_colour_a_later_error(monkeypatch, fresh_worker):
    monkeypatch.setattr(sandbox, "MEMORY_MB", 160)
    monkeypatch.setattr(sandbox, "RETIRE_GROWTH_MB", 10_000)  # keep the one worker for both files
    worker = sandbox.run_limited(os.getpid)
    assert sandbox.run_limited(_hold_memory, 140) == "ok"  # close to the limit, and fine
    with pytest.raises(ParseError, match="the parser failed: ValueError: a bug in a parser"):
        sandbox.run_limited(_parser_bug, b"")
    assert sandbox.run_limited(os.getpid) == worker


def test_worker_with_a_grown_heap_is_replaced(monkeypatch, fresh_worker):
    monkeypatch.setattr(sandbox, "RETIRE_GROWTH_MB", 32)
    worker = sandbox.run_limited(os.getpid)
    assert sandbox.run_limited(_hold_memory, 16) == "ok" and sandbox.run_limited(os.getpid) == worker
    assert sandbox.run_limited(_hold_memory, 64) == "ok"
    assert sandbox.run_limited(os.getpid) not in (worker, os.getpid())
