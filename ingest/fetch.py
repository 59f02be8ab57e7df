"""Polite HTTP fetching, kept apart from parsing.

robots.txt is obeyed (5xx or unreachable: the host is not crawled; 4xx: all
allowed; a longer Crawl-delay wins over the configured delay), requests to one
host are serialised and spaced by its delay, 429/503 wait for Retry-After, and
transient failures (refused or reset connections, 5xx) are retried with
exponential backoff. Revisits send If-None-Match / If-Modified-Since.

Redirects are followed by hand, a bounded number of hops, and every hop is
checked before it is requested: it must stay on the caller's hosts (`allowed`,
the source's allowed_hosts) and robots.txt must allow it. A redirect off the
source is never requested: it comes back as outcome "off_source" with its target.

Every response has a deadline, not just a timeout: `timeout` seconds for all of
it, connection, headers and body, however slowly the bytes arrive. A watchdog
shuts the connection's socket down when the time is up (see Deadline), so a
server trickling one byte every few seconds ends the request at the deadline,
in the headers as in the body. A response that missed its deadline is not
retried in the same run (the next crawl round tries it again).

One Fetcher may serve several threads (policekb.crawling crawls the sources
concurrently): each thread has its own HTTP session, robots.txt is loaded once
per host, and `abort()` ends every request in flight at once (a second Ctrl-C)."""
from __future__ import annotations

import email.utils
import heapq
import http.client
import itertools
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from policekb import __version__

USER_AGENT = f"policekb/{__version__} (+https://github.com/policekb/policekb)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ROBOTS_UNAVAILABLE = "robots.txt unavailable (5xx or unreachable): host not crawled"

Allowed = Callable[[str], bool]


@dataclass
class FetchResult:
    url: str  # the URL asked for
    # "ok", "not_modified", "blocked" (robots.txt), "off_source" (a redirect leaves the allowed hosts:
    # not followed), "failed", or "aborted" (Fetcher.abort() ended it; nothing to record)
    outcome: str
    http_status: int | None = None
    content: bytes | None = None
    media_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    final_url: str | None = None  # where the content came from, after in-source redirects
    location: str | None = None  # the target of a redirect that was not followed
    hops: list[tuple[str, int]] = field(default_factory=list)  # (url, HTTP status) of every response, in order

    @property
    def requests(self) -> int:
        return len(self.hops)


@dataclass
class FetchPolicy:
    timeout: float = 60.0  # seconds one response may take in all: connection, headers and body
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 3  # extra attempts after the first for transient failures
    backoff: float = 2.0  # first retry wait; doubles each attempt
    max_wait: float = 120.0  # cap on Retry-After and backoff waits
    max_redirects: int = 5
    default_delay: float = 2.0
    user_agent: str = USER_AGENT


class PermanentError(Exception):
    """A request that cannot succeed by trying again now (a malformed URL, an unsupported scheme)."""


class DeadlineExceeded(PermanentError):
    """The response took longer than its deadline: not retried in this run."""


class Aborted(Exception):
    """Fetcher.abort() was called: the request was cut short and says nothing about the page."""


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


# --- deadlines ----------------------------------------------------------------------
_current = threading.local()  # the Deadline of the request this thread is making, if any


class Deadline:
    """`with Deadline(seconds):` around one request: when the time is up, every socket the
    request opened or reused is shut down (shutdown(2) on a duplicate of its descriptor,
    which wakes a recv() blocked in another thread and cannot touch a reused descriptor),
    so the request fails however slowly the server sends (the _Watchdog thread keeps the
    time). The HTTP connections register their sockets through _Watched (below) while a
    Deadline is active in their thread, before any TLS handshake. Name resolution cannot
    be interrupted this way; it is the one step not bounded."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds
        self.expired = False
        self.aborted = False
        self._done = False
        self._guards: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "Deadline":
        _current.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc) -> None:
        _current.deadline = None
        with self._lock:
            self._done = True
            guards, self._guards = self._guards, []
        for guard in guards:
            guard.close()

    def remaining(self) -> float:
        return max(0.0, self.ends_at - time.monotonic())

    def watch(self, sock) -> None:
        try:
            guard = socket.fromfd(sock.fileno(), sock.family, sock.type)  # a dup: ours to close
        except (OSError, ValueError):
            return
        with self._lock:
            if self._done:
                guard.close()
                return
            self._guards.append(guard)
            if self.expired:
                _shut(guard)

    def expire(self, aborted: bool = False) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            self.aborted = self.aborted or aborted
            for guard in self._guards:
                _shut(guard)


class _Watchdog:
    """One thread expiring the Deadlines whose time is up (a thread per request would cost more
    than some requests); finished Deadlines are dropped when their time comes."""

    def __init__(self):
        self._queue: list[tuple[float, int, Deadline]] = []
        self._count = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._queue, (deadline.ends_at, next(self._count), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
                self._thread.start()
            if self._queue[0][2] is deadline:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                ends_at, _, deadline = self._queue[0]
                pause = ends_at - time.monotonic()
                if pause > 0:
                    self._wake.wait(pause)
                    continue
                heapq.heappop(self._queue)
            deadline.expire()  # does nothing once the request is over


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watched:
    """Mixin for urllib3's connections: hand every socket used to the thread's Deadline."""

    def _new_conn(self):
        sock = super()._new_conn()  # a new TCP connection, before any TLS handshake
        _register(sock)
        return sock

    def request(self, *args, **kwargs):
        if self.sock is not None:  # a kept-alive connection reused
            _register(self.sock)
        return super().request(*args, **kwargs)


def _register(sock) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter with connections that obey Deadline (proxied ones too, SOCKS aside)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(WATCHED_POOLS)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(WATCHED_POOLS)
        return manager


def watched_session(session: requests.Session | None = None) -> requests.Session:
    session = session or requests.Session()
    session.mount("http://", DeadlineAdapter())
    session.mount("https://", DeadlineAdapter())
    return session


# --- the fetcher --------------------------------------------------------------------
class Fetcher:
    def __init__(self, policy: FetchPolicy | None = None, session: requests.Session | None = None,
                 throttle: HostThrottle | None = None):
        self.policy = policy or FetchPolicy()
        self._stop = threading.Event()
        self._shared_session = session
        if session is not None:
            watched_session(session).headers["User-Agent"] = self.policy.user_agent
        self._local = threading.local()
        self.throttle = throttle or HostThrottle(sleep=self._pause)
        self.delays: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | str] = {}  # rules, or why the host is not crawled
        self._robots_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._deadlines: set[Deadline] = set()

    @property
    def session(self) -> requests.Session:
        """The session given, else one per thread (requests' sessions are not meant to be shared)."""
        if self._shared_session is not None:
            return self._shared_session
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = watched_session()
            session.headers["User-Agent"] = self.policy.user_agent
        return session

    def set_delay(self, host: str, seconds: float) -> None:
        self.delays[host.lower()] = seconds

    def delay_for(self, host: str) -> float:
        """The configured delay, or the robots.txt Crawl-delay when that is longer."""
        configured = self.delays.get(urlsplit(host).netloc or host, self.policy.default_delay)
        rules = self._robots.get(host)
        asked = rules.crawl_delay(self.policy.user_agent) if isinstance(rules, RobotFileParser) else None
        return max(configured, float(asked or 0))

    # --- stopping everything at once ----------------------------------------------------
    def abort(self) -> None:
        """End every request in flight now and refuse new ones, until resume()."""
        self._stop.set()
        with self._guard:
            deadlines = list(self._deadlines)
        for deadline in deadlines:
            deadline.expire(aborted=True)

    def resume(self) -> None:
        self._stop.clear()

    @property
    def aborted(self) -> bool:
        return self._stop.is_set()

    def _pause(self, seconds: float) -> None:
        self._stop.wait(seconds)  # a politeness pause that abort() cuts short

    # --- robots.txt -----------------------------------------------------------
    def robots_verdict(self, url: str, allowed: Allowed | None = None, timeout: float | None = None) -> str | None:
        """None when allowed, else why not. robots.txt itself is fetched under the same rules
        as pages: a deadline, and redirects only to `allowed` hosts."""
        host = host_of(url)
        with self._guard:
            lock = self._robots_locks.setdefault(host, threading.Lock())
        with lock:  # two threads asking about one host load its robots.txt once
            if host not in self._robots:
                self._robots[host] = self._load_robots(host, allowed, timeout or self.policy.timeout)
        rules = self._robots[host]
        if isinstance(rules, str):
            return rules
        if not rules.can_fetch(self.policy.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def robots_sitemaps(self, url: str, allowed: Allowed | None = None, timeout: float | None = None) -> list[str]:
        """The `Sitemap:` lines of the robots.txt of url's host (loaded once, as for robots_verdict)."""
        try:
            self.robots_verdict(url, allowed, timeout)
        except Aborted:
            return []
        rules = self._robots.get(host_of(url))
        return list(rules.site_maps() or []) if isinstance(rules, RobotFileParser) else []

    def _load_robots(self, host: str, allowed: Allowed | None, timeout: float) -> RobotFileParser | str:
        url = host + "/robots.txt"
        for _ in range(self.policy.max_redirects + 1):
            try:
                response = self._with_retries(url, {}, timeout)
            except Aborted:
                raise
            except (TransientError, PermanentError):
                return ROBOTS_UNAVAILABLE
            if response.status_code not in REDIRECT_STATUSES:
                if response.status_code >= 500:
                    return ROBOTS_UNAVAILABLE
                rules = RobotFileParser(url)
                rules.parse([] if response.status_code >= 400 else _text(response, self.policy.max_bytes).splitlines())
                return rules
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if urlsplit(target).scheme not in ("http", "https"):
                return ROBOTS_UNAVAILABLE
            if allowed is not None and not allowed(target):
                return f"robots.txt redirects off the source (to {target}): host not crawled"
            url = target
        return ROBOTS_UNAVAILABLE

    # --- pages ----------------------------------------------------------------
    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
              allowed: Allowed | None = None, timeout: float | None = None) -> FetchResult:
        """GET url, following redirects that stay on the `allowed` hosts (any host when None);
        `timeout` (default: the policy's) bounds each response, headers and body together."""
        timeout = timeout or self.policy.timeout
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        hops: list[tuple[str, int]] = []
        seen, current = [url], url
        while True:
            if allowed is not None and not allowed(current):
                if current == url:
                    return FetchResult(url, "off_source", error="outside the source's allowed hosts", location=url)
                return FetchResult(url, "off_source", hops[-1][1], location=current, hops=hops,
                                   error=f"redirected off the source to {current}: not followed")
            try:
                verdict = self.robots_verdict(current, allowed, timeout)
            except Aborted:
                return FetchResult(url, "aborted", error="aborted", hops=hops)
            if verdict:
                error = verdict if current == url else f"redirected to {current}: {verdict}"
                return FetchResult(url, "blocked", hops[-1][1] if hops else None, error=error, hops=hops)
            try:
                # validators belong to the URL asked for; a redirect target gets a plain GET
                response = self._with_retries(current, conditional if current == url else {}, timeout)
            except Aborted:
                return FetchResult(url, "aborted", error="aborted", hops=hops)
            except TransientError as exc:
                return FetchResult(url, "failed", http_status=exc.http_status, error=str(exc), hops=hops)
            except PermanentError as exc:
                return FetchResult(url, "failed", error=str(exc), hops=hops)
            hops.append((current, response.status_code))
            if response.status_code not in REDIRECT_STATUSES:
                return self._result(url, current, response, hops)
            location = response.headers.get("Location")
            response.close()
            if not location:
                return FetchResult(url, "failed", response.status_code, error="redirect without a Location",
                                   hops=hops)
            current = urljoin(current, location.strip())
            if urlsplit(current).scheme not in ("http", "https"):
                return FetchResult(url, "failed", response.status_code, error=f"redirect to {current}: not HTTP",
                                   hops=hops)
            if current in seen:
                return FetchResult(url, "failed", response.status_code, error=f"redirect loop via {current}",
                                   hops=hops)
            if len(seen) > self.policy.max_redirects:
                return FetchResult(url, "failed", response.status_code,
                                   error=f"more than {self.policy.max_redirects} redirects", hops=hops)
            seen.append(current)

    def _with_retries(self, url: str, headers: dict, timeout: float) -> requests.Response:
        host = host_of(url)
        for attempt in range(self.policy.retries + 1):
            try:
                response = self._request(url, headers, timeout)
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

    def _request(self, url: str, headers: dict, timeout: float) -> requests.Response:
        """One request in the host's turn, under a deadline; the body is read here so the
        turn and the deadline cover the transfer."""
        host = host_of(url)
        with self.throttle.lock(host):
            self.throttle.wait_turn(host)
            if self._stop.is_set():
                raise Aborted()
            try:
                return self._get(url, headers, timeout)
            finally:
                self.throttle.done(host, self.delay_for(host))

    def _get(self, url: str, headers: dict, timeout: float) -> requests.Response:
        deadline = Deadline(timeout)
        with self._guard:
            self._deadlines.add(deadline)
        if self._stop.is_set():  # abort() ran just before the deadline was registered
            deadline.expire(aborted=True)
        response = None
        try:
            with deadline:
                try:
                    response = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                                timeout=(max(deadline.remaining(), 0.001), timeout))
                    response._content = _read_bounded(response, self.policy.max_bytes, deadline)
                except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException,
                        OSError) as exc:
                    if response is not None:
                        response.close()
                    if deadline.aborted:
                        raise Aborted() from exc
                    if deadline.expired or isinstance(exc, requests.Timeout):
                        raise DeadlineExceeded(f"timed out after {timeout:g} s") from exc
                    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                                        urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)):
                        raise TransientError(f"connection failed: {_short(exc)}") from exc
                    raise PermanentError(f"request failed: {_short(exc)}") from exc
                if deadline.expired:  # the socket was shut at the deadline: what was read is cut short
                    response.close()
                    if deadline.aborted:
                        raise Aborted()
                    raise DeadlineExceeded(f"timed out after {timeout:g} s")
        finally:
            with self._guard:
                self._deadlines.discard(deadline)
        return response

    def _result(self, url: str, final_url: str, response: requests.Response,
                hops: list[tuple[str, int]]) -> FetchResult:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if response.status_code == 304:
            return FetchResult(url, "not_modified", 304, etag=etag, last_modified=modified, final_url=final_url,
                               hops=hops)
        if response.status_code != 200:
            return FetchResult(url, "failed", response.status_code, error=f"HTTP {response.status_code}", hops=hops)
        if response.content is None:
            return FetchResult(url, "failed", 200, error=f"response larger than {self.policy.max_bytes} bytes",
                               hops=hops)
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower() or None
        return FetchResult(url, "ok", 200, response.content, media_type, etag, modified, final_url=final_url,
                           hops=hops)


def _read_bounded(response: requests.Response, limit: int, deadline: Deadline) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes. The deadline is checked for every
    chunk; a chunk that never completes is ended by the deadline's watchdog."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        return None
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        if deadline.expired or not deadline.remaining():
            deadline.expire()
            return None  # the caller sees deadline.expired
        size += len(chunk)
        if size > limit:
            response.close()
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _text(response: requests.Response, limit: int) -> str:
    return (response.content or b"")[:limit].decode("utf-8", errors="replace")


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
