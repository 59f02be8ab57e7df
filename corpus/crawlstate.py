"""Crawler state in the knowledge base: the frontier, the fetch records and raw bytes.

Every change commits at once, so a crawl stopped with Ctrl-C resumes where it was.
A crawl works in rounds: a round ends when nothing is queued; the next round
queues the entry points (start pages, sitemaps, feeds) again so that listings are
revisited with conditional GET, while article pages already fetched are not."""
from __future__ import annotations

import datetime as dt

from ingest.crawl_records import FetchRecord, FrontierEntry
from ingest.document import content_hash

__all__ = ["CrawlState", "FetchRecord", "FrontierEntry"]

REVISITED_KINDS = ("listing", "sitemap", "feed")
FETCH_COLUMNS = "source, kind, status, http_status, content_hash, media_type, etag, last_modified, fetched_at, error, document_id"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class CrawlState:
    """CrawlState(store) reads and writes the crawl tables over the store's connection."""

    def __init__(self, store):
        self.conn = store.conn

    # --- rounds and the frontier -------------------------------------------
    def start(self, source: str, seeds: list[tuple[str, str]]) -> bool:
        """Queue the seeds (url, kind); True when an interrupted round is resumed."""
        resumed = self.count(source, "queued") > 0
        round_ = self._round(source) + (0 if resumed else 1)
        with self.conn:
            for url, kind in seeds:
                self._queue(url, source, kind, 0, round_, requeue=not resumed)
            if not resumed:  # failures and skips get one more try per round
                self.conn.execute("UPDATE crawl_frontier SET state='queued', round=? WHERE source=? AND "
                                  "state IN ('failed', 'skipped')", (round_, source))
        return resumed

    def enqueue(self, source: str, links: list[tuple[str, str]], depth: int) -> int:
        """Queue the (url, kind) links of one page in one transaction; listings, sitemaps and feeds
        seen in an earlier round are queued again. Returns how many were queued."""
        round_ = self._round(source)
        with self.conn:
            return sum(self._queue(url, source, kind, depth, round_, requeue=kind in REVISITED_KINDS)
                       for url, kind in links)

    def _queue(self, url: str, source: str, kind: str, depth: int, round_: int, requeue: bool) -> bool:
        row = self.conn.execute("SELECT state, round FROM crawl_frontier WHERE url = ?", (url,)).fetchone()
        if row is None:  # another writer may queue the same URL meanwhile: the first one wins
            return self.conn.execute("INSERT INTO crawl_frontier(url, source, kind, depth, round, state, added_at) "
                                     "VALUES (?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT DO NOTHING",
                                     (url, source, kind, depth, round_, _now())).rowcount == 1
        if requeue and row["state"] != "queued" and row["round"] < round_:
            self.conn.execute("UPDATE crawl_frontier SET state='queued', round=?, depth=? WHERE url=?",
                              (round_, depth, url))
            return True
        return False

    def _round(self, source: str) -> int:
        row = self.conn.execute("SELECT max(round) FROM crawl_frontier WHERE source = ?", (source,)).fetchone()
        return row[0] or 0

    def next_queued(self, source: str) -> FrontierEntry | None:
        row = self.conn.execute("SELECT url, source, kind, depth FROM crawl_frontier WHERE source = ? AND "
                                "state = 'queued' ORDER BY depth, id LIMIT 1", (source,)).fetchone()
        return FrontierEntry(*row) if row else None

    def count(self, source: str, state: str) -> int:
        return self.conn.execute("SELECT count(*) FROM crawl_frontier WHERE source = ? AND state = ?",
                                 (source, state)).fetchone()[0]

    # --- fetch records --------------------------------------------------------
    def complete(self, record: FetchRecord, frontier_state: str) -> None:
        """Write the fetch record and close the frontier entry in one transaction."""
        with self.conn:
            self.conn.execute(
                f"INSERT INTO crawl_fetches(url, {FETCH_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(url) "
                "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in FETCH_COLUMNS.split(", ")),
                (record.url, record.source, record.kind, record.status, record.http_status, record.content_hash,
                 record.media_type, record.etag, record.last_modified, _now(), record.error, record.document_id))
            self.conn.execute("UPDATE crawl_frontier SET state = ? WHERE url = ?", (frontier_state, record.url))

    def record(self, url: str) -> FetchRecord | None:
        row = self.conn.execute("SELECT url, source, kind, status, http_status, content_hash, media_type, etag, "
                                "last_modified, error, document_id FROM crawl_fetches WHERE url = ?",
                                (url,)).fetchone()
        return FetchRecord(*row) if row else None

    def records(self, source: str | None = None, kinds: tuple[str, ...] = ("article", "attachment")) -> list[FetchRecord]:
        """Fetch records holding stored bytes, oldest first (for parsing again without the network)."""
        sql = ("SELECT url, source, kind, status, http_status, content_hash, media_type, etag, last_modified, error, "
               f"document_id FROM crawl_fetches WHERE content_hash IS NOT NULL AND kind IN ({','.join('?' * len(kinds))})")
        args: tuple = kinds
        if source is not None:
            sql, args = sql + " AND source = ?", kinds + (source,)
        return [FetchRecord(*row) for row in self.conn.execute(sql + " ORDER BY fetched_at, url", args)]

    def update_outcome(self, url: str, status: str, error: str | None, document_id: int | None) -> None:
        with self.conn:
            self.conn.execute("UPDATE crawl_fetches SET status = ?, error = ?, document_id = ? WHERE url = ?",
                              (status, error, document_id, url))

    def status_counts(self, source: str) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM crawl_fetches WHERE source = ? GROUP BY status",
                                 (source,))
        return {status: n for status, n in rows}

    # --- raw bytes --------------------------------------------------------------
    def save_blob(self, data: bytes, media_type: str) -> str:
        """Keep the fetched bytes by hash before any parsing, so a better parser can re-run offline."""
        digest = content_hash(data)
        with self.conn:
            self.conn.execute("INSERT INTO blobs(hash, media_type, size, content, added_at) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", (digest, media_type, len(data), data, _now()))
        return digest

    def blob(self, digest: str) -> bytes:
        row = self.conn.execute("SELECT content FROM blobs WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            raise LookupError(f"no stored content {digest}")
        return row[0]
