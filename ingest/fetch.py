"""Polite HTTP fetching, kept apart from parsing.

robots.txt is obeyed (5xx or unreachable: the host is not crawled; 4xx: all
allowed; a longer Crawl-delay wins over the configured delay), requests to one host are serialised and spaced by its delay, 429/503
wait for Retry-After, transient failures are retried with exponential backoff,
redirects are followed by hand so loops are caught, and every response is bounded
in time and size. Revisits send If-None-Match / If-Modified-Since."""
from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from policekb import __version__

USER_AGENT = f"policekb/{__version__} (+https://github.com/policekb/policekb)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@dataclass
class FetchResult:
    url: str
    outcome: str  # "ok", "not_modified", "blocked" (robots.txt) or "failed"
    http_status: int | None = None
    content: bytes | None = None
    media_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


@dataclass
class FetchPolicy:
    timeout: float = 20.0  # seconds to connect, and between bytes read
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 3  # extra attempts after the first for transient failures
    backoff: float = 2.0  # first retry wait; doubles each attempt
    max_wait: float = 120.0  # cap on Retry-After and backoff waits
    max_redirects: int = 5
    default_delay: float = 2.0
    user_agent: str = USER_AGENT


class PermanentError(Exception):
    """A request that cannot succeed by trying again (a malformed URL, an unsupported scheme)."""


class TransientError(Exception):
    def __init__(self, message: str, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HostThrottle:
    """One request at a time per host, and `delay` seconds from the end of one to the start of the next."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.clock, self.sleep = clock, sleep
        self._locks: dict[str, threading.Lock] = {}
        self._ready_at: dict[str, float] = {}
        self._guard = threading.Lock()

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait_turn(self, host: str) -> None:
        pause = self._ready_at.get(host, 0.0) - self.clock()
        if pause > 0:
            self.sleep(pause)

    def done(self, host: str, delay: float) -> None:
        self._ready_at[host] = max(self._ready_at.get(host, 0.0), self.clock() + delay)

    def hold(self, host: str, seconds: float) -> None:
        """The server asked for a pause (Retry-After) or a retry backs off."""
        self._ready_at[host] = max(self._ready_at.get(host, 0.0), self.clock() + seconds)


class Fetcher:
    def __init__(self, policy: FetchPolicy | None = None, session: requests.Session | None = None,
                 throttle: HostThrottle | None = None):
        self.policy = policy or FetchPolicy()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.policy.user_agent
        self.throttle = throttle or HostThrottle()
        self.delays: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        self.delays[host.lower()] = seconds

    def delay_for(self, host: str) -> float:
        """The configured delay, or the robots.txt Crawl-delay when that is longer."""
        configured = self.delays.get(urlsplit(host).netloc or host, self.policy.default_delay)
        rules = self._robots.get(host)
        asked = rules.crawl_delay(self.policy.user_agent) if rules else None
        return max(configured, float(asked or 0))

    # --- robots.txt -----------------------------------------------------------
    def robots_verdict(self, url: str) -> str | None:
        """None when allowed, else why not."""
        host = host_of(url)
        if host not in self._robots:
            self._robots[host] = self._load_robots(host)
        rules = self._robots[host]
        if rules is None:
            return "robots.txt unavailable (5xx or unreachable): host not crawled"
        if not rules.can_fetch(self.policy.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def _load_robots(self, host: str) -> RobotFileParser | None:
        rules = RobotFileParser(host + "/robots.txt")
        try:
            response = self._with_retries(host + "/robots.txt", {}, allow_redirects=True)
        except (TransientError, PermanentError):
            return None
        if response.status_code >= 500:
            return None
        rules.parse([] if response.status_code >= 400 else _text(response, self.policy.max_bytes).splitlines())
        return rules

    # --- pages ----------------------------------------------------------------
    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        while True:
            verdict = self.robots_verdict(url)
            if verdict:
                return FetchResult(seen[0], "blocked", error=verdict)
            try:
                response = self._with_retries(url, headers)
            except TransientError as exc:
                return FetchResult(seen[0], "failed", http_status=exc.http_status, error=str(exc))
            except PermanentError as exc:
                return FetchResult(seen[0], "failed", error=str(exc))
            if response.status_code not in REDIRECT_STATUSES:
                return self._result(seen[0], response)
            url = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if urlsplit(url).scheme not in ("http", "https"):
                return FetchResult(seen[0], "failed", response.status_code, error=f"redirect to {url}: not HTTP")
            if url in seen:
                return FetchResult(seen[0], "failed", response.status_code, error=f"redirect loop via {url}")
            if len(seen) > self.policy.max_redirects:
                return FetchResult(seen[0], "failed", response.status_code,
                                   error=f"more than {self.policy.max_redirects} redirects")
            seen.append(url)

    def _with_retries(self, url: str, headers: dict, allow_redirects: bool = False) -> requests.Response:
        host = host_of(url)
        for attempt in range(self.policy.retries + 1):
            try:
                response = self._request(url, headers, allow_redirects)
            except TransientError:
                if attempt == self.policy.retries:
                    raise
                self.throttle.hold(host, self._backoff(attempt, None))
                continue
            if response.status_code not in RETRY_STATUSES:
                return response
            response.close()
            if attempt == self.policy.retries:
                raise TransientError(f"HTTP {response.status_code} after {attempt + 1} attempts",
                                     http_status=response.status_code)
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            self.throttle.hold(host, self._backoff(attempt, asked))
        raise AssertionError("the loop returns or raises on its last attempt")

    def _backoff(self, attempt: int, asked: float | None) -> float:
        wait = asked if asked is not None else self.policy.backoff * 2 ** attempt
        return min(wait, self.policy.max_wait)

    def _request(self, url: str, headers: dict, allow_redirects: bool = False) -> requests.Response:
        """One request in the host's turn; the body is read here so the turn covers the transfer."""
        host = host_of(url)
        with self.throttle.lock(host):
            self.throttle.wait_turn(host)
            try:
                response = self.session.get(url, headers=headers, timeout=self.policy.timeout, stream=True,
                                            allow_redirects=allow_redirects)
                response._content = _read_bounded(response, self.policy.max_bytes, self.policy.timeout)
            except requests.Timeout as exc:
                raise TransientError(f"timed out after {self.policy.timeout:g} s") from exc
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                raise TransientError(f"connection failed: {_short(exc)}") from exc
            except requests.RequestException as exc:
                raise PermanentError(f"request failed: {_short(exc)}") from exc
            finally:
                self.throttle.done(host, self.delay_for(host))
        return response

    def _result(self, url: str, response: requests.Response) -> FetchResult:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if response.status_code == 304:
            return FetchResult(url, "not_modified", 304, etag=etag, last_modified=modified)
        if response.status_code != 200:
            return FetchResult(url, "failed", response.status_code, error=f"HTTP {response.status_code}")
        if response.content is None:
            return FetchResult(url, "failed", 200, error=f"response larger than {self.policy.max_bytes} bytes")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower() or None
        return FetchResult(url, "ok", 200, response.content, media_type, etag, modified)


def _read_bounded(response: requests.Response, limit: int, timeout: float) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes; a trickling body also times out."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        return None
    deadline = time.monotonic() + 4 * timeout
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            response.close()
            return None
        if time.monotonic() > deadline:
            response.close()
            raise requests.Timeout("body took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(response: requests.Response, limit: int) -> str:
    return (response.content or b"")[:limit].decode("utf-8", errors="replace")


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
