"""A hostile web server on 127.0.0.1 for the fault tests: it trickles headers or bodies
one byte at a time, redirects off its own host, and answers anything else from a
table of pages. Raw sockets, so every byte on the wire is under the test's control.
Every request is logged with its arrival time; nothing leaves the machine."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: str | None = None  # None, "headers", "body" or "chunked": one byte every `interval` seconds


@dataclass
class Hit:
    at: float
    path: str


class HostileServer:
    """HostileServer(interval).start(); .pages maps a path to a Page; .hits logs the requests."""

    def __init__(self, interval: float = 0.5, robots: bytes | None = ROBOTS):
        self.interval = interval
        self.pages: dict[str, Page] = {}
        if robots is not None:
            self.pages["/robots.txt"] = Page(200, robots, {"Content-Type": "text/plain"})
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.host = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> "HostileServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self.thread.join(5)
        self.sock.close()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [hit.at for hit in self.hits if hit.path == path]

    # --- serving -------------------------------------------------------------------
    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        with conn:
            reader = conn.makefile("rb")
            while not self._stopped.is_set():
                try:
                    request_line = reader.readline(65536)
                    if not request_line:
                        return
                    while reader.readline(65536) not in (b"\r\n", b"\n", b""):
                        pass  # the request headers are not needed
                    path = request_line.split()[1].decode("latin-1")
                except (OSError, IndexError):
                    return
                with self._lock:
                    self.hits.append(Hit(time.monotonic(), path))
                page = self.pages.get(path, Page(404, b"not found"))
                if not self._answer(conn, page):
                    return

    def _answer(self, conn: socket.socket, page: Page) -> bool:
        """Write the response; False when the connection is to be closed."""
        headers = {"Content-Type": "text/html; charset=utf-8", **page.headers}
        if page.trickle == "chunked":
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(len(page.body))
        head = (f"HTTP/1.1 {page.status} {'OK' if page.status == 200 else 'Status'}\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode("latin-1")
        try:
            if page.trickle == "headers":
                self._trickle(conn, head)
                conn.sendall(page.body)
            elif page.trickle == "body":
                conn.sendall(head)
                self._trickle(conn, page.body)
            elif page.trickle == "chunked":
                conn.sendall(head)
                self._trickle(conn, b"".join(b"1\r\n" + bytes([c]) + b"\r\n" for c in page.body) + b"0\r\n\r\n")
            else:
                conn.sendall(head + page.body)
                return True
        except OSError:  # the client hung up: what the tests expect of it
            pass
        return False

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stopped.is_set():
                raise OSError("server stopped")
            conn.sendall(data[i:i + 1])
            time.sleep(self.interval)


def article(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1><p>{text}</p></article></body></html>").encode()


def sources_toml(name: str, server_host: str, start_path: str, timeout: float | None = None,
                 article_pattern: str = r"/(tin-tuc|bai)/[a-z0-9-]+\.html$",
                 listing_pattern: str = r"/(danh-sach|tin-tuc)/?$", delay: float = 0.0) -> str:
    return (f'[[source]]\nname = "{name}"\nstart_urls = ["http://{server_host}{start_path}"]\n'
            f'allowed_hosts = ["{server_host}"]\narticle_patterns = [\'{article_pattern}\']\n'
            f"listing_patterns = ['{listing_pattern}']\ndelay = {delay}\n"
            + (f"timeout = {timeout}\n" if timeout is not None else ""))
