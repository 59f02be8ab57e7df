"""The served demo driven in headless Chromium over the DevTools protocol.

A tiny CDP client on the standard library (HTTP for the target list, a minimal
websocket for the commands): no selenium, no driver binary. Screenshots of the
three pages are saved to docs/ (1280x900)."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Screenshots go to a temporary folder; POLICEKB_SCREENSHOTS=docs refreshes the README's pictures.
DOCS = Path(os.environ.get("POLICEKB_SCREENSHOTS") or tempfile.mkdtemp(prefix="policekb-shots-"))
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")]


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: masked text frames out, text frames in."""

    def __init__(self, url: str):
        host_port, _, path = url.removeprefix("ws://").partition("/")
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert b" 101 " in response.split(b"\r\n")[0], response

    def send(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        size = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", size) if size < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", size))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._exact(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._exact(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._exact(8))[0]
            message += self._exact(size)
            if first & 0x80:
                return message.decode()

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("websocket closed")
            data += chunk
        return data


class DevTools:
    def __init__(self, url: str):
        self.ws = WebSocket(url)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def wait_for_page(self, url_part: str, timeout: float = 20) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            state = self.evaluate("[location.href, document.readyState]")
            if state and url_part in state[0] and state[1] == "complete":
                return
            time.sleep(0.1)
        raise AssertionError(f"page {url_part!r} did not load: {state}")

    def screenshot(self, path: Path) -> None:
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1280, 900)
        path.write_bytes(png)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_url(url: str, timeout: float = 30) -> bytes:
    deadline = time.time() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser") / "home"
    subprocess.run([sys.executable, "-m", "policekb.cli", "--home", str(home), "demo", "--no-serve"], check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(home), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_url(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    port = free_port()
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--remote-debugging-port={port}", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = json.loads(wait_for_url(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        version = json.loads(wait_for_url(f"http://127.0.0.1:{port}/json/version"))
        yield DevTools(page["webSocketDebuggerUrl"]), DevTools(version["webSocketDebuggerUrl"])
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def test_search_open_result_model_page_and_csv(served_demo, browser, tmp_path):
    page, chrome = browser
    page.call("Page.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    page.call("Page.navigate", url=served_demo + "/")
    page.wait_for_page("/")

    # Type a query into the search box and press Enter.
    page.evaluate("document.querySelector('input[name=q]').focus()")
    page.call("Input.insertText", text="camera an ninh")
    for kind in ("keyDown", "keyUp"):
        page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                  text="\r" if kind == "keyDown" else "")
    page.wait_for_page("q=camera+an+ninh")
    assert page.evaluate("document.querySelectorAll('.hit').length") >= 3
    assert page.evaluate("[...document.querySelectorAll('.hit mark.hl')]"
                         ".some(m => m.textContent.toLowerCase() === 'camera an ninh')")
    page.screenshot(DOCS / "search.png")

    # Open the first result: the document with its facts marked.
    page.evaluate("document.querySelector('.hit a.title').click()")
    page.wait_for_page("/documents/")
    assert page.evaluate("document.querySelectorAll('mark.fact-models').length") >= 1
    page.screenshot(DOCS / "document.png")

    # Its first model: the model page with chart and map.
    page.evaluate("document.querySelector('aside.related a[href^=\"/models/\"]').click()")
    page.wait_for_page("/models/")
    assert page.evaluate("document.querySelectorAll('svg.chart').length") == 2
    assert page.evaluate("document.querySelector('h1').textContent").startswith("Mô hình")
    page.screenshot(DOCS / "model.png")

    # Download the model's figures as CSV.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    chrome.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    page.evaluate("document.querySelector('a.export').click()")
    deadline = time.time() + 20
    while not [p for p in downloads.glob("*.csv")] and time.time() < deadline:
        time.sleep(0.2)
    csv_file = next(downloads.glob("*.csv"))
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "Mô hình" in text.splitlines()[0] and "Số lượng" in text.splitlines()[0]
    assert "điểm" in text or "thôn" in text or "xã" in text


ROWS_JS = """[...document.querySelectorAll('table.replication')[0].rows].slice(1).map(tr => ({
  cells: [...tr.cells].map(td => td.innerText.trim()),
  partial: tr.classList.contains('partial'),
  sources: [...tr.querySelectorAll('.sources li > a:first-child')].map(a => [a.textContent, a.getAttribute('href')])}))"""


def test_every_number_on_the_camera_page_comes_from_a_sentence(served_demo, browser):
    """A researcher's page: each figure is a value some sentence states (never a sum across time,
    status or copies); a sum over districts is marked and equals its districts; no footer is a place."""
    page, _ = browser
    page.call("Page.navigate", url=served_demo + "/models/?q=camera an ninh")
    page.wait_for_page("/models/")
    page.evaluate("[...document.querySelectorAll('table.models a')].find(a => a.textContent === 'Camera an ninh').click()")
    page.wait_for_page("/models/camera")
    rows = page.evaluate(ROWS_JS)
    assert len(rows) >= 5
    for row in rows:
        scope, province, unit, value = row["cells"][:4]
        assert "tổng" not in scope.lower() and scope.strip() not in ("", "—")
        if row["partial"]:
            total = int(value.split()[1].replace(".", ""))
            parts = [int(r["cells"][3].replace(".", "")) for r in rows if not r["partial"] and r["cells"][1] == province
                     and r["cells"][2] == unit and r["cells"][0].startswith(("huyện", "quận", "thị xã", "thành phố"))]
            assert total == sum(parts) and len(parts) >= 2, row
            continue
        assert row["sources"], row
        for sentence, _ in row["sources"]:
            if "|" in sentence:  # a table row: the unit is in the caption, the value in a cell
                assert value in [c.strip() for c in sentence.split("|")], (value, sentence)
            else:
                assert value in sentence and unit.split()[0] in sentence, (value, unit, sentence)
    # the Quảng Trị plan's targets stand beside the results, not in them
    cam_lo = next(r for r in rows if r["cells"][0] == "huyện Cam Lộ" and r["cells"][2] == "mắt camera")
    assert cam_lo["cells"][3] == "112" and cam_lo["cells"][5].startswith("60")
    headline = next(r for r in rows if r["cells"][0] == "huyện Cam Lộ" and r["cells"][2] == "điểm")
    assert headline["cells"][3] == "45" and len(headline["sources"]) == 2  # headline and body: one fact
    page.evaluate("document.querySelector('table.replication').scrollIntoView()")
    page.screenshot(DOCS / "replication.png")
    # a source opens its document at the sentence
    sentence, href = cam_lo["sources"][0]
    page.call("Page.navigate", url=served_demo + href)
    page.wait_for_page("/documents/")
    anchor = href.split("#")[1]
    assert "112" in page.evaluate(f"document.getElementById('{anchor}').textContent")


def search_in_box(page, served_demo: str, query: str) -> list[str]:
    """Type a query into the search box as staff do and return the result titles."""
    page.call("Page.navigate", url=served_demo + "/")
    page.wait_for_page("/")
    page.evaluate("document.querySelector('input[name=q]').value = ''; document.querySelector('input[name=q]').focus()")
    page.call("Input.insertText", text=query)
    page.evaluate("document.querySelector('form.search').submit()")
    page.wait_for_page("q=")
    return page.evaluate("[...document.querySelectorAll('.hit a.title')].map(a => a.textContent)")


def test_staff_journeys_by_number(served_demo, browser):
    """'chỉ thị 09', 'Kế hoạch 245' and a bare serial, as typed into the box; then the original PDF."""
    page, _ = browser
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    cited = search_in_box(page, served_demo, "chỉ thị 09")
    assert len(cited) >= 3  # every sample citing 09-CT/TW, whatever else they say
    chips = page.evaluate("[...document.querySelectorAll('.hit .meta a.number')].map(a => a.textContent)")
    assert "09-CT/TW" in chips
    plan = search_in_box(page, served_demo, "Kế hoạch 245")
    assert plan[0].startswith("Kế hoạch") and len(plan) >= 2  # the plan itself, then the articles citing it
    assert search_in_box(page, served_demo, "245")[0] == plan[0]
    page.screenshot(DOCS / "search-number.png")
    # the plan's page opens its original PDF in the browser's viewer
    page.evaluate("document.querySelector('.hit a.title').click()")
    page.wait_for_page("/documents/")
    href = page.evaluate("document.querySelector('a[href$=\"/original\"]').getAttribute('href')")
    page.call("Page.navigate", url=served_demo + href)
    time.sleep(1.0)
    with urllib.request.urlopen(served_demo + href, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.read(5) == b"%PDF-"
    assert page.evaluate("location.href").endswith("/original")


def test_phone_width_has_no_horizontal_scroll(served_demo, browser):
    page, _ = browser
    page.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    try:
        for path in ("/?q=camera+an+ninh", "/models/"):
            page.call("Page.navigate", url=served_demo + path)
            page.wait_for_page(path.split("?")[0])
            width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert inner == 390 and width <= inner, (path, width, inner)
        page.call("Page.navigate", url=served_demo + "/?q=camera+an+ninh")
        page.wait_for_page("q=camera")
        png = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
        (DOCS / "search-phone.png").write_bytes(png)
    finally:
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
