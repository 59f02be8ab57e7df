"""Which database a store opens: the SQLite file (the embedded default) or a PostgreSQL server.

A target is a path (SQLite) or a postgresql:// URL. The store is written against the sqlite3
connection interface; on PostgreSQL, corpus.pg supplies a connection with the same interface,
so the SQLite path runs exactly as before, with no wrapper in between."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE, POSTGRESQL = "sqlite", "postgresql"


def is_url(target) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def dialect(conn) -> str:
    """"sqlite" or "postgresql" (a sqlite3.Connection cannot carry attributes: it has none)."""
    return getattr(conn, "dialect", SQLITE)


def connect(target, readonly: bool = False):
    """A connection to the target; raises FileNotFoundError for a read-only store that does not exist."""
    if is_url(target):
        return _postgresql().connect(target, readonly)
    return _sqlite(Path(target), readonly)


def _postgresql():
    try:
        from corpus import pg
    except ImportError as exc:  # psycopg is an optional dependency
        raise RuntimeError("a PostgreSQL database needs psycopg: pip install 'policekb[postgres]'") from exc
    return pg


def _sqlite(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        if not path.exists():
            raise FileNotFoundError(path)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; commits no longer wait on fsync
    return conn


def exists(target) -> bool:
    """Whether a knowledge base is there: the SQLite file, or a migrated PostgreSQL database."""
    if not is_url(target):
        return Path(target).exists()
    return _postgresql().has_schema(target)


def label(target) -> str:
    """The target as it may be printed: a URL without its password."""
    if not is_url(target):
        return str(target)
    parts = urlsplit(target)
    if parts.password is None:
        return target
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def errors() -> tuple[type[Exception], ...]:
    """The database errors of the backends installed (for code that reports rather than crashes)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def operational_errors() -> tuple[type[Exception], ...]:
    """A missing table or column, a locked or read-only database, on either backend."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, psycopg.OperationalError, psycopg.ProgrammingError)


def integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint violated (NOT NULL, UNIQUE, a foreign key), on either backend."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)
