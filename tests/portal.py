"""A fixture police portal served on 127.0.0.1 for the crawler tests and benchmark.

Six listing pages with pagination link 48 generated Vietnamese articles (some with
attached PDFs, one with a .docx, one with an old .doc); listing page 1 also links the awkward pages:
500 then 200, 429 with Retry-After, a slow page, a redirect loop, a windows-1258
page, an old article, and pages robots.txt disallows. Every request is logged with
its arrival time so tests can check what was requested and how the requests were spaced."""
from __future__ import annotations

import hashlib
import io
import threading
import time
import unicodedata
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LISTING_PAGES = 6
PER_PAGE = 8
ARTICLES = LISTING_PAGES * PER_PAGE
SLOW_SECONDS = 1.0
RETRY_AFTER = 1
LAST_MODIFIED = "Tue, 05 Mar 2024 08:00:00 GMT"
PLACES = ["Nghi Lộc", "Diễn Châu", "Quỳnh Lưu", "Hàm Thuận Bắc", "Tuyên Hóa", "Cẩm Xuyên", "Bố Trạch", "Đức Thọ"]
COMMUNES = ["Nghi Phong", "Diễn Kim", "Quỳnh Bảng", "Hàm Chính", "Thạch Hóa", "Cẩm Nhượng", "Hoàn Trạch", "Tùng Ảnh"]
MODELS = ["Camera an ninh", "Tổ liên gia tự quản", "Tiếng kẻng an ninh", "Zalo an ninh trật tự"]
ROBOTS = "User-agent: *\nDisallow: /noi-bo/\nDisallow: /tin-tuc/bai-khong-cong-khai-906.html\n"
SPECIAL_LINKS = ["/tin-tuc/loi-tam-thoi-900.html", "/tin-tuc/qua-tai-901.html", "/tin-tuc/cham-902.html",
                 "/tin-tuc/vong-lap-903.html", "/tin-tuc/windows-1258-904.html", "/tin-tuc/bai-cu-905.html",
                 "/tin-tuc/bai-khong-cong-khai-906.html"]
ARTICLE_PATTERN = r"/(tin-tuc|noi-bo)/[a-z0-9-]+-\d+\.html$"
LISTING_PATTERN = r"/tin-tuc/(\?trang=\d+)?$"
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1")  # an old binary Word .doc starts so
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
WINDOWS_1258_SENTENCE = "Công an xã Cẩm Nhượng vận động 1.250 hộ gia đình lắp đặt mô hình “Camera an ninh”."

PAGE = """<!doctype html><html><head><meta charset="{charset}"><title>{title} - Công an tỉnh</title>
<meta property="article:published_time" content="{date}T08:00:00+07:00"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/tin-tuc/">Tin tức</a> <a href="/lien-he.html">Liên hệ</a>
<a href="/noi-bo/bao-cao-mat-1.html">Nội bộ</a> <a href="https://example.invalid/tin-tuc/ngoai-1.html">Báo ngoài</a></nav>
<article><h1>{title}</h1><p class="date">Cập nhật: {date}</p>
{body}</article><footer>Bản quyền thuộc Công an tỉnh</footer></body></html>"""


def article_path(n: int) -> str:
    return f"/tin-tuc/mo-hinh-camera-an-ninh-xa-{n}.html"


def listing_path(page: int) -> str:
    return "/tin-tuc/" if page == 1 else f"/tin-tuc/?trang={page}"


def article_title(n: int) -> str:
    return f"{PLACES[n % 8]}: nhân rộng mô hình “{MODELS[n % 4]}” tại xã {COMMUNES[(n * 3) % 8]}"


def article_date(n: int) -> str:
    return f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"


def article_body(n: int) -> str:
    place, commune, model = PLACES[n % 8], COMMUNES[(n * 3) % 8], MODELS[n % 4]
    paragraphs = [
        f"Thực hiện Kế hoạch số {100 + n}/KH-CAH ngày 15/3/2024 của Công an huyện {place}, mô hình “{model}” "
        f"đã được xây dựng tại {10 + n} điểm trên địa bàn xã {commune}.",
        f"Công an xã {commune} đã vận động {200 + 7 * n} hộ gia đình tham gia, với tổng kinh phí "
        f"{30 + n} triệu đồng do Nhân dân đóng góp.",
        f"Qua một năm triển khai, lực lượng Công an đã tiếp nhận {n + 3} tin báo có giá trị, góp phần giữ vững "
        "an ninh trật tự ở khu dân cư.",
    ]
    links = ""
    if n % 6 == 0:
        links = f'<p>Văn bản kèm theo: <a href="/van-ban/ke-hoach-{n}.pdf">Kế hoạch {100 + n}/KH-CAH</a></p>'
    if n == 1:
        links = '<p>Biểu mẫu: <a href="/van-ban/bieu-mau-1.docx">Tải về</a></p>'
    if n == 2:
        links = '<p>Công văn: <a href="/van-ban/cong-van-2.doc">Tải về</a></p>'
    return "".join(f"<p>{p}</p>" for p in paragraphs) + links


def html(title: str, body: str, date: str = "2024-03-05", charset: str = "utf-8") -> str:
    return PAGE.format(title=title, body=body, date=date, charset=charset)


def listing(page: int, specials: bool = True) -> str:
    first = (page - 1) * PER_PAGE + 1
    items = "".join(f'<li><a href="{article_path(n)}">{article_title(n)}</a></li>'
                    for n in range(first, first + PER_PAGE))
    if page == 1 and specials:
        items += "".join(f'<li><a href="{path}">Tin {i}</a></li>' for i, path in enumerate(SPECIAL_LINKS))
    pages = " ".join(f'<a href="{listing_path(p)}">{p}</a>' for p in range(1, LISTING_PAGES + 1))
    return html(f"Tin tức - trang {page}", f"<ul>{items}</ul><div class='pager'>{pages}</div>")


def to_windows_1258(text: str) -> bytes:
    """windows-1258 writes tone marks as combining characters after the base letter."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(out).encode("cp1258")


_PDF_CACHE: dict[int, bytes] = {}


def make_pdf(n: int) -> bytes:
    if n not in _PDF_CACHE:
        import fpdf

        pdf = fpdf.FPDF()
        pdf.add_page()
        pdf.add_font("DejaVu", fname=FONT)
        pdf.set_font("DejaVu", size=12)
        for line in ["CÔNG AN HUYỆN " + PLACES[n % 8].upper(), f"Số: {100 + n}/KH-CAH", "KẾ HOẠCH",
                     f"Nhân rộng mô hình “Camera an ninh” tại {20 + n} thôn"]:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        _PDF_CACHE[n] = bytes(pdf.output())
    return _PDF_CACHE[n]


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Biểu mẫu đăng ký tham gia mô hình “Camera an ninh”")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple = ()


def feeds() -> dict[str, Response]:
    xml = "application/xml"
    index = f'<sitemapindex xmlns="{SITEMAP_NS}"><sitemap><loc>{{base}}/sitemap-tin.xml</loc></sitemap></sitemapindex>'
    urls = "".join(f"<url><loc>{{base}}{article_path(n)}</loc></url>" for n in range(1, 6))
    items = "".join(f"<item><title>Tin {n}</title><link>{{base}}{article_path(n)}</link></item>" for n in range(6, 9))
    return {"/sitemap.xml": Response(200, index.encode(), xml),
            "/sitemap-tin.xml": Response(200, f'<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode(), xml),
            "/rss.xml": Response(200, f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(), xml)}


def static_pages(specials: bool = True) -> dict[str, Response]:
    """The site; without specials, listing page 1 links no awkward page (for fast, failure-free crawls)."""
    pages = {listing_path(p): Response(200, listing(p, specials).encode()) for p in range(1, LISTING_PAGES + 1)}
    pages.update(feeds())
    for n in range(1, ARTICLES + 1):
        pages[article_path(n)] = Response(200, html(article_title(n), article_body(n), article_date(n)).encode())
        if n % 6 == 0:
            pages[f"/van-ban/ke-hoach-{n}.pdf"] = Response(200, make_pdf(n), "application/pdf")
    pages["/van-ban/bieu-mau-1.docx"] = Response(
        200, make_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    pages["/van-ban/cong-van-2.doc"] = Response(200, OLE_HEADER + b"\0" * 504, "application/msword")
    for i, path in enumerate(SPECIAL_LINKS):
        pages[path] = Response(200, html(f"Tin đặc biệt số {i}: mô hình “Camera an ninh”", article_body(10 + i)).encode())
    pages["/tin-tuc/bai-cu-905.html"] = Response(200, html(
        "Bố Trạch: ra mắt mô hình “Tiếng kẻng an ninh” năm 2019", article_body(30), "2019-05-10").encode())
    page = html("Cẩm Xuyên: mô hình “Camera an ninh” ở xã Cẩm Nhượng", f"<p>{WINDOWS_1258_SENTENCE}</p>",
                charset="windows-1258")
    pages["/tin-tuc/windows-1258-904.html"] = Response(200, to_windows_1258(page), "text/html")
    pages["/noi-bo/bao-cao-mat-1.html"] = Response(200, html("Báo cáo nội bộ", article_body(5)).encode())
    pages["/tin-tuc/qua-lon-907.html"] = Response(200, html("Trang rất lớn", "<p>x</p>" * 60000).encode())
    return pages


@dataclass
class Hit:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict


class LocalSite:
    """A site served on 127.0.0.1 by tests.portal's handler: subclasses answer respond(path, count,
    headers); .hits logs every request."""

    def __init__(self):
        self.hits: list[Hit] = []
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def log(self, path: str, headers: dict) -> int:
        with self._lock:
            self.hits.append(Hit(time.monotonic(), path, headers))
            self.counts[path] = self.counts.get(path, 0) + 1
            return self.counts[path]


class Portal(LocalSite):
    """Portal(robots="ok" | "500" | "404" | "crawl-delay").start() serves the site; .hits is the request log."""

    def __init__(self, robots: str = "ok", specials: bool = True):
        self.robots = robots
        self.pages = static_pages(specials)
        super().__init__()

    def respond(self, path: str, count: int, headers: dict) -> Response:
        if path == "/robots.txt":
            return {"ok": Response(200, ROBOTS.encode(), "text/plain"), "500": Response(500, b"error"),
                    "404": Response(404, b"not found"),
                    "crawl-delay": Response(200, b"User-agent: *\nCrawl-delay: 1\n", "text/plain")}[self.robots]
        if path == "/tin-tuc/loi-tam-thoi-900.html" and count == 1:
            return Response(500, b"temporary error")
        if path == "/tin-tuc/qua-tai-901.html" and count == 1:
            return Response(429, b"slow down", headers=(("Retry-After", str(RETRY_AFTER)),))
        if path == "/tin-tuc/cham-902.html":
            time.sleep(SLOW_SECONDS)
        if path.startswith("/tin-tuc/vong-lap-903.html"):
            target = "/tin-tuc/vong-lap-903.html" if "?" in path else "/tin-tuc/vong-lap-903.html?lan=2"
            return Response(302, b"", headers=(("Location", target),))
        if path.startswith("/chuyen-huong/"):  # a chain of redirects: 1 -> 2 -> ... -> 6 -> /tin-tuc/
            step = int(path.rsplit("/", 1)[1])
            return Response(301, b"", headers=(("Location", f"/chuyen-huong/{step + 1}" if step < 6 else "/tin-tuc/"),))
        page = self.pages.get(path)
        if page is None:
            return Response(404, b"not found")
        if b"{base}" in page.body:  # feeds and sitemaps list absolute URLs
            page = Response(page.status, page.body.replace(b"{base}", f"http://{self.host}".encode()), page.content_type)
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        validators = (("ETag", etag), ("Last-Modified", LAST_MODIFIED))
        if headers.get("If-None-Match") == etag:
            return Response(304, b"", headers=validators)
        return Response(page.status, page.body, page.content_type, page.headers + validators)


def _handler(portal: Portal):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            headers = dict(self.headers.items())
            response = portal.respond(self.path, portal.log(self.path, headers), headers)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): that is what the test checks

        def log_message(self, *args):
            pass

    return Handler


def sources_toml(portal: Portal, name: str = "portal", delay: float = 0.0, extra: str = "") -> str:
    return (f'[[source]]\nname = "{name}"\nstart_urls = ["{portal.url("/tin-tuc/")}"]\n'
            f'allowed_hosts = ["{portal.host}"]\narticle_patterns = [\'{ARTICLE_PATTERN}\']\n'
            f"listing_patterns = ['{LISTING_PATTERN}']\ndelay = {delay}\n{extra}")
