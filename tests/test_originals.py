"""The original document: the stored bytes served from /documents/<id>/original, safely (nothing
in them runs), linked from the document page; the source shown as a link (http/https) or a file
name, never a local path."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from corpus import Store
from ingest import read_bytes
from nlp import extract
from policekb.pipeline import build_index, import_paths
from search_app import create_app
from search_app.security import download_name
from tests.conftest import write_corpus

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CRAWLED_URL = "https://congan.quangtri.gov.vn/tin-tuc/camera-an-ninh-cam-lo-123.html"
HOSTILE_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Cam Lộ: camera an ninh</title></head><body>
<article><h1>Cam Lộ: nhân rộng mô hình “Camera an ninh” tại 45 điểm</h1>
<p>Mô hình “Camera an ninh” đã được xây dựng tại 45 điểm trên địa bàn huyện Cam Lộ, tỉnh Quảng Trị.</p>
<script>document.title = "chạy được"</script><img src=x onerror="alert(1)"></article></body></html>"""


def directive_pdf(path: Path) -> Path:
    fpdf = pytest.importorskip("fpdf")
    if not os.path.exists(FONT):
        pytest.skip("the DejaVu font is not installed")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=11)
    for line in ("CÔNG AN TỈNH QUẢNG TRỊ", "CÔNG AN HUYỆN CAM LỘ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 312/KH-CAH", "Cam Lộ, ngày 05 tháng 3 năm 2022", "KẾ HOẠCH",
                 "Xây dựng mô hình “Camera an ninh” năm 2022",
                 "Phấn đấu đến cuối năm 2022 có 60 điểm camera an ninh trên địa bàn huyện."):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def word_file(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Gio Linh: mô hình “Tổ liên gia tự quản về ANTT” được nhân rộng ra 12 thôn.")
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def originals_home(tmp_path_factory):
    """Imported .txt, .html, .pdf and .docx files, and a page crawled from a portal."""
    root = tmp_path_factory.mktemp("originals")
    folder = write_corpus(root / "tai lieu")
    directive_pdf(folder / "kh-312-cam-lo.pdf")
    word_file(folder / "gio-linh.docx")
    home = root / "home"
    with Store(home / "policekb.sqlite3") as store:
        assert not import_paths(store, [folder]).failed
        crawled = read_bytes(HOSTILE_HTML.encode(), CRAWLED_URL, "text/html")
        store.save_document(crawled, HOSTILE_HTML.encode(), extract(crawled).as_dict())
        build_index(store, home / "index")
    return home, folder


@pytest.fixture(scope="module")
def kb(originals_home):
    home, _ = originals_home
    return create_app({"TESTING": True, "DATABASE": str(home / "policekb.sqlite3"), "INDEX": str(home / "index")})


@pytest.fixture
def web(kb):
    return kb.test_client()


def doc_id(originals_home, name: str) -> int:
    home, _ = originals_home
    with Store(home / "policekb.sqlite3", readonly=True) as store:
        return next(d["id"] for d in store.documents() if d["source"].endswith(name))


def assert_sandboxed(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp


def test_pdf_opens_inline_with_its_bytes(web, originals_home):
    _, folder = originals_home
    response = web.get(f"/documents/{doc_id(originals_home, 'kh-312-cam-lo.pdf')}/original")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline; filename=kh-312-cam-lo.pdf"
    assert response.get_data() == (folder / "kh-312-cam-lo.pdf").read_bytes()
    assert_sandboxed(response)


def test_stored_html_is_never_a_live_page(web):
    crawled = web.get("/api/search?q=camera").get_json()["results"]
    page = next(r for r in crawled if r["source"] == CRAWLED_URL)
    response = web.get(f"/documents/{page['id']}/original")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == "attachment; filename=camera-an-ninh-cam-lo-123.html"
    assert response.get_data() == HOSTILE_HTML.encode()  # the bytes as fetched, served as text
    assert_sandboxed(response)


@pytest.mark.parametrize("name, media", [
    ("camera-cam-lo.txt", "text/plain"), ("lien-gia-ky-son.html", "text/plain"),
    ("gio-linh.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
def test_other_types_download(web, originals_home, name, media):
    response = web.get(f"/documents/{doc_id(originals_home, name)}/original")
    assert response.status_code == 200 and response.mimetype == media
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert_sandboxed(response)


def test_document_page_links_the_original_and_names_the_file_only(web, originals_home):
    home, folder = originals_home
    pdf = doc_id(originals_home, "kh-312-cam-lo.pdf")
    page = web.get(f"/documents/{pdf}").get_data(as_text=True)
    assert f'<a class="original" href="/documents/{pdf}/original" type="application/pdf">Xem bản gốc (PDF)</a>' in page
    assert '<dt>Nguồn</dt><dd class="source">kh-312-cam-lo.pdf</dd>' in page
    assert str(folder) not in page and str(home) not in page  # no local path anywhere
    text = web.get(f"/documents/{doc_id(originals_home, 'camera-cam-lo.txt')}").get_data(as_text=True)
    assert "Tải bản gốc (tệp văn bản .txt)" in text and str(folder) not in text


def test_crawled_source_is_a_link(web):
    crawled = next(r for r in web.get("/api/search?q=camera").get_json()["results"] if r["source"] == CRAWLED_URL)
    page = web.get(f"/documents/{crawled['id']}").get_data(as_text=True)
    assert f'<dd class="source"><a href="{CRAWLED_URL}" rel="noopener noreferrer nofollow">{CRAWLED_URL}</a></dd>' in page
    assert "Tải bản gốc (trang HTML đã lưu)" in page


def test_api_gives_file_names_and_the_original_url(web, originals_home):
    _, folder = originals_home
    pdf = doc_id(originals_home, "kh-312-cam-lo.pdf")
    data = web.get(f"/api/documents/{pdf}").get_json()
    assert data["document"]["source"] == "kh-312-cam-lo.pdf" and data["original_url"] == f"/documents/{pdf}/original"
    assert str(folder) not in web.get(f"/api/documents/{pdf}").get_data(as_text=True)


def test_unknown_original_is_404(web):
    for path in ("/documents/99999/original", "/documents/9223372036854775808/original"):
        response = web.get(path)
        assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)


@pytest.mark.parametrize("source, media, name", [
    ("https://congan.vn/van-ban/KH%20245%20Cam%20L%E1%BB%99.pdf", "application/pdf", "KH 245 Cam Lộ.pdf"),
    ("https://congan.vn/", "text/html", "tai-lieu-7.html"), ("https://congan.vn/tin/", "text/html", "tin.html"),
    ("https://congan.vn/tin/bai-9", "text/html", "bai-9.html"),
    ("https://congan.vn/tep?id=3", "application/pdf", "tep.pdf"),
    ("/home/an/Tài liệu/kh-245.pdf", "application/pdf", "kh-245.pdf"),
    ("C:\\Users\\an\\kh-245.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "kh-245.docx"),
    ("/srv/x/a.htm", "text/html", "a.htm"),
    ("/srv/x/raw", "application/octet-stream", "raw"),
])
def test_download_names_are_the_file_name_with_its_type(source, media, name):
    assert download_name(source, media, 7) == name


def test_non_ascii_file_name_is_encoded(kb, tmp_path):
    from search_app.security import original_response

    with kb.test_request_context():
        response = original_response(b"%PDF-1.4", "application/pdf", "Kế hoạch 245.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20245.pdf" in disposition


# --- in the browser ------------------------------------------------------------------
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
TOOLBAR_JS = """(() => { const viewer = document.querySelector('pdf-viewer');
  const toolbar = viewer && viewer.shadowRoot && viewer.shadowRoot.querySelector('viewer-toolbar');
  return toolbar && toolbar.shadowRoot ? toolbar.shadowRoot.textContent : ''; })()"""


@pytest.mark.browser
def test_pdf_opens_in_chromiums_viewer_despite_the_sandbox(kb, originals_home):
    """The sandboxing CSP must not stop Chromium's PDF viewer: the viewer loads and names the file."""
    from tests.test_browser import CHROMIUM, DevTools
    from tests.test_layout import chromium, serve

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    pdf = doc_id(originals_home, "kh-312-cam-lo.pdf")
    with serve(kb) as base, chromium() as (page, targets):
        page.call("Page.navigate", url=f"{base}/documents/{pdf}/original")
        deadline, title = time.time() + 20, ""
        while "kh-312-cam-lo.pdf" not in title and time.time() < deadline:
            time.sleep(0.3)
            viewer = [t for t in targets() if t["url"].startswith(PDF_VIEWER)]
            if viewer:
                title = DevTools(viewer[0]["webSocketDebuggerUrl"]).evaluate(TOOLBAR_JS) or ""
        assert "kh-312-cam-lo.pdf" in title, [t["url"] for t in targets()]
        assert page.evaluate("document.contentType") == "application/pdf"
