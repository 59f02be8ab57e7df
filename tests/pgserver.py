"""A throwaway PostgreSQL server for the tests: Debian's `initdb` and `pg_ctl` on a temporary
directory, listening on a Unix socket there and on no TCP port.

PostgreSQL refuses to run as root (CI runs as root): then the server runs as an unprivileged
user (postgres, else nobody) through runuser, in a directory given to that user. One server per
test process, started on first use and stopped at exit; each test gets a database of its own."""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

UNPRIVILEGED_USERS = ("postgres", "nobody")
# Durability is worth nothing in a test: no fsync makes creating databases and committing cheap.
SERVER_OPTIONS = ("-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                  "-c max_connections=50")


def find_binary(name: str) -> str | None:
    """On PATH, else in Debian's /usr/lib/postgresql/<version>/bin (the newest version)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return None


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def _run_as() -> str | None:
    """The user to run the server as: None for ourselves, a name when we are root."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def unavailable() -> str | None:
    """Why no server can be started here, or None."""
    try:
        import psycopg  # noqa: F401 - only whether it is there
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    for name in ("initdb", "pg_ctl"):
        if find_binary(name) is None:
            return f"{name} not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        if _run_as() is None:
            return "running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing to drop privileges"
    return None


class Server:
    def __init__(self):
        self.user = _run_as()
        self.dir = Path(tempfile.mkdtemp(prefix="policekb-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._names = itertools.count(1)
        self.running = False

    def _command(self, *argv: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *argv] if self.user else list(argv)

    def _run(self, *argv: str) -> None:
        result = subprocess.run(self._command(*argv), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.strip()}\n{log}")

    def start(self) -> "Server":
        if self.user:
            shutil.chown(self.dir, self.user)
        self._run(find_binary("initdb"), "-D", str(self.data), "-U", "policekb", "--auth=trust", "--no-locale",
                  "-E", "UTF8", "--no-sync")
        self._run(find_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", f"-k {self.dir} {SERVER_OPTIONS}", "start")
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run(find_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://policekb@/{database}?host={self.dir}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"kb{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


_server: Server | None = None


def shared_server() -> Server:
    """The process's one server, started on first use (the test is skipped with the reason when it cannot be)."""
    global _server
    reason = unavailable()
    if reason:
        pytest.skip(f"PostgreSQL: {reason}")
    if _server is None:
        server = Server()
        try:
            server.start()
        except Exception:
            server.stop()
            raise
        atexit.register(server.stop)
        _server = server
    return _server


@pytest.fixture(scope="session")
def pg_server() -> Server:
    return shared_server()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty database on the test server."""
    return pg_server.create_database()
