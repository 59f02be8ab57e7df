"""The store API: the only code that reads or writes the knowledge base (a SQLite file, or a
PostgreSQL database; corpus.backend opens either)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from corpus import backend
from corpus.schema import migrate
from nlp.normalize import match_key, number_key

FACT_TABLES = ("doc_refs", "models", "model_counts", "figures", "places")
DOCUMENT_COLUMNS = ("content_hash, media_type, kind, title, published, issuer, number, number_key, text, author, "
                    "warnings")  # the fields _document_fields gives, in its order



def _document_upsert(columns: tuple[str, ...]) -> str:
    """INSERT of a document's columns (DOCUMENT_COLUMNS, then `columns`), or UPDATE of the row of
    its source: all of them but source and imported_at."""
    names = (*DOCUMENT_COLUMNS.split(", "), *columns)
    return (f"INSERT INTO documents({', '.join(names)}, source, imported_at) VALUES ({', '.join('?' * (len(names) + 2))}) "
            "ON CONFLICT(source) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in names) + " RETURNING id")


_FACT_COLUMNS = {
    "doc_refs": "number, number_key, type, date, issuer, is_own, text",
    "models": "name, canonical, model_key, aliases, mentions",
    "model_counts": "model, model_key, value, unit, place, text, status, as_of, footer",
    "figures": "value, unit, text, place",
    "places": "name, level, province, district, lat, lon, mentions",
}
_INSERT_FACTS = {  # a fact's own columns, then its document and provenance (_span)
    table: f"INSERT INTO {table}({cols}, document_id, start_offset, end_offset, sentence_start, sentence_end, "
           f"extractor_version) VALUES ({', '.join('?' * (len(cols.split(',')) + 6))})"
    for table, cols in _FACT_COLUMNS.items()}
_SAVE_DOCUMENT = _document_upsert(("updated_at",))
_SAVE_EXTRACTED_DOCUMENT = _document_upsert(("updated_at", "extractor_version", "extracted_at"))
_unicode_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), made once

# The ids of one JSON array parameter: a search may select more ids than SQLite allows parameters.
ID_LIST = "SELECT CAST(value AS BIGINT) FROM json_each(?)"


class NotFound(LookupError):
    pass


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _span(item: dict) -> tuple:
    """start, end (the first mention's when the item has none), sentence start and end."""
    sentence = item.get("sentence") or _NO_SPAN
    if "start" in item and "end" in item:
        return item["start"], item["end"], sentence[0], sentence[1]
    first = (item.get("mentions") or _NO_MENTIONS)[0]
    return item.get("start", first[0]), item.get("end", first[1]), sentence[0], sentence[1]


_NO_SPAN, _NO_MENTIONS = (None, None), ((None, None),)


class Store:
    """Store(target) opens (and migrates) the knowledge base: a SQLite file's path, or a
    postgresql:// URL; readonly=True for searching."""

    def __init__(self, target: str | Path, readonly: bool = False):
        self.target = target
        self.path = None if backend.is_url(target) else Path(target)  # the SQLite file, if it is one
        try:
            self.conn = backend.connect(target, readonly)
        except FileNotFoundError:
            raise NotFound(f"no knowledge base at {target}") from None
        self.dialect = backend.dialect(self.conn)
        if self.dialect == backend.SQLITE:
            if not readonly:
                migrate(self.conn)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys=ON")
        elif readonly:
            self._require_schema()
        else:
            migrate(self.conn)

    def _require_schema(self) -> None:
        if not self.conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]:
            self.close()
            raise NotFound(f"no knowledge base at {backend.label(self.target)}")

    def write_lock(self, name: str) -> None:
        """Called first in a `with store.conn:` block: what the block reads, no other writer changes
        before it commits. SQLite: the database's write lock (BEGIN IMMEDIATE); PostgreSQL: an
        advisory lock of that name, held until the transaction ends."""
        if self.dialect == backend.POSTGRESQL:
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"policekb:{name}",))
        elif not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- documents -------------------------------------------------------
    def has_source(self, source: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE source = ?", (source,)).fetchone() is not None

    def is_unchanged(self, source: str, content_hash: str) -> bool:
        row = self.conn.execute("SELECT content_hash FROM documents WHERE source = ?", (source,)).fetchone()
        return row is not None and row["content_hash"] == content_hash

    def save_document(self, document, raw: bytes, extraction: dict | None = None) -> int:
        """Store raw bytes, the document and (optionally) its facts in one transaction."""
        with self.conn:
            return self.write_document(document, raw, extraction)

    def write_document(self, document, raw: bytes, extraction: dict | None = None) -> int:
        """save_document's writes in the caller's transaction (a `with store.conn:` block), for a
        caller that commits more with them (corpus.duplicates.DuplicateLinks.save_all)."""
        now = _now()
        fields = _document_fields(document, extraction)
        self.conn.execute(
            "INSERT INTO blobs(hash, media_type, size, content, added_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING", (document.content_hash, document.media_type, len(raw), raw, now))
        # One upsert: two writers saving the same source at once both end on the one row. With
        # facts, it stamps the extractor's version too (replace_facts stamps it with an UPDATE).
        if extraction is None:
            doc_id = self.conn.execute(_SAVE_DOCUMENT, (*fields, now, document.source, now)).fetchall()[0][0]
        else:
            doc_id = self.conn.execute(_SAVE_EXTRACTED_DOCUMENT, (
                *fields, now, extraction.get("extractor_version", "unknown"), now, document.source, now)).fetchall()[0][0]
            self._write_facts(doc_id, extraction, stamped=True)
        return doc_id

    def replace_facts(self, document_id: int, extraction: dict) -> None:
        """Re-extraction: the document's facts, and what the extractor says of the document itself
        (its number and issuer), are replaced atomically."""
        with self.conn:
            self.get_document(document_id)
            number = extraction.get("number")
            if number or extraction.get("issuer"):
                self.conn.execute("UPDATE documents SET number = coalesce(?, number), number_key = coalesce(?, number_key), "
                                  "issuer = coalesce(?, issuer) WHERE id = ?",
                                  (number, number_key(number) if number else None, extraction.get("issuer"), document_id))
            self._write_facts(document_id, extraction)

    # --- extraction jobs -----------------------------------------------------
    def queue_extraction(self, version: str | None = None) -> int:
        """Queue for extraction the documents that `version` has not extracted (every document when
        None); returns how many jobs are queued. A job already queued keeps its claim."""
        where, args = ("true", ()) if version is None else ("extractor_version IS NULL OR extractor_version <> ?",
                                                             (version,))
        with self.conn:  # (SQLite parses ON CONFLICT after INSERT … SELECT only when the SELECT has a WHERE)
            self.conn.execute(f"INSERT INTO extraction_jobs(document_id) SELECT id FROM documents WHERE {where} "
                              "ON CONFLICT DO NOTHING", args)
        return self.conn.execute("SELECT count(*) FROM extraction_jobs").fetchone()[0]

    def claim_extraction_jobs(self, n: int, worker: str, lease: float = 3600.0) -> list[dict]:
        """Claim up to n queued documents for `worker`: none that another worker holds, unless its
        claim is older than `lease` seconds (that worker died). Returns the documents (id, source,
        text, media_type, content_hash); replace_facts ends a document's job."""
        now = dt.datetime.now(dt.timezone.utc)
        expired = (now - dt.timedelta(seconds=lease)).isoformat(timespec="microseconds")
        pick = "SELECT document_id FROM extraction_jobs WHERE claimed_at IS NULL OR claimed_at < ? ORDER BY document_id LIMIT ?"
        if self.dialect == backend.POSTGRESQL:
            pick += " FOR UPDATE SKIP LOCKED"  # claimers at the same time pass over each other's rows
        with self.conn:
            if self.dialect == backend.SQLITE:
                self.write_lock("extraction_jobs")  # take the write lock before reading the queue
            ids = [row[0] for row in self.conn.execute(
                f"UPDATE extraction_jobs SET worker = ?, claimed_at = ? WHERE document_id IN ({pick}) "
                "RETURNING document_id", (worker, now.isoformat(timespec="microseconds"), expired, n)).fetchall()]
        if not ids:
            return []
        rows = self.conn.execute(f"SELECT id, source, text, media_type, content_hash FROM documents WHERE id IN "
                                 f"({ID_LIST}) ORDER BY id", (json.dumps(ids),))
        return [dict(row) for row in rows]

    def extraction_jobs(self, worker: str, batch: int = 50, lease: float = 3600.0) -> Iterator[dict]:
        """Claim and yield queued documents, batch by batch, until none is left to claim."""
        while jobs := self.claim_extraction_jobs(batch, worker, lease):
            yield from jobs

    def _write_facts(self, doc_id: int, ex: dict, stamped: bool = False) -> None:
        """The document's facts replaced by those of the extraction `ex`; stamped: the document's
        row already says which extractor wrote them, and when."""
        version = ex.get("extractor_version", "unknown")
        for table in FACT_TABLES:
            self.conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))
        rows = {
            "doc_refs": [(r["number"], number_key(r["number"]), r.get("type"), r.get("date"), r.get("issuer"),
                          int(bool(r.get("own"))), r.get("text")) for r in ex.get("doc_refs", [])],
            "models": [(m["name"], m["canonical"], match_key(m["name"]), _unicode_json(m.get("aliases", [])),
                        json.dumps(m.get("mentions", []))) for m in ex.get("models", [])],
            "model_counts": [(c["model"], match_key(c["model"]), c["value"], c.get("unit"), c.get("place"), c.get("text"),
                              c.get("status"), c.get("as_of"), int(bool(c.get("footer"))))
                             for c in ex.get("model_counts", [])],
            "figures": [(f["value"], f["unit"], f.get("text"), f.get("place")) for f in ex.get("figures", [])],
            "places": [(p["name"], p["level"], p.get("province"), p.get("district"), p.get("lat"), p.get("lon"),
                        json.dumps(p.get("mentions", []))) for p in ex.get("places", [])],
        }
        for table in FACT_TABLES:
            self.conn.executemany(_INSERT_FACTS[table], [(*row, doc_id, *_span(item), version)
                                                        for row, item in zip(rows[table], ex.get(table, []))])
        if not stamped:
            self.conn.execute("UPDATE documents SET extractor_version=?, extracted_at=? WHERE id=?",
                              (version, _now(), doc_id))
        self.conn.execute("DELETE FROM extraction_jobs WHERE document_id = ?", (doc_id,))  # its job is done
        # A count, not a flag: a rebuild subtracts what it saw, so a write during the rebuild keeps it stale.
        self.conn.execute("UPDATE derived_state SET dirty = dirty + 1 WHERE name = 'replication'")

    def get_document(self, document_id: int) -> dict:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document {document_id}")
        return dict(row)

    def documents(self) -> Iterator[dict]:
        if self.dialect == backend.SQLITE:
            for row in self.conn.execute("SELECT * FROM documents ORDER BY id"):
                yield dict(row)
            return
        # PostgreSQL's client cursor holds a whole result: page by id, so the texts of millions of
        # documents never sit in memory at once (and the caller may query between rows).
        last = 0
        while rows := self.conn.execute("SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT 500",
                                        (last,)).fetchall():
            yield from (dict(row) for row in rows)
            last = rows[-1]["id"]

    def document_versions(self) -> dict[int, str]:
        """Each document's version: when it and its facts were last written (what the index holds)."""
        return {row[0]: version_of(row[1], row[2]) for row in
                self.conn.execute("SELECT id, updated_at, extracted_at FROM documents")}

    def integrity_problems(self) -> list[str]:
        if self.dialect == backend.POSTGRESQL:
            return []  # the server keeps its own files consistent; there is no integrity_check to ask
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def orphaned_blobs(self) -> list[str]:
        """Raw content no document and no crawl record refers to (left by a crash or a deletion)."""
        return [r[0] for r in self.conn.execute(
            "SELECT hash FROM blobs WHERE hash NOT IN (SELECT content_hash FROM documents) "
            "AND hash NOT IN (SELECT content_hash FROM crawl_fetches WHERE content_hash IS NOT NULL) ORDER BY hash")]

    def delete_blobs(self, hashes: list[str]) -> None:
        with self.conn:
            self.conn.executemany("DELETE FROM blobs WHERE hash = ?", [(h,) for h in hashes])

    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def blob(self, content_hash: str) -> bytes:
        row = self.conn.execute("SELECT content FROM blobs WHERE hash = ?", (content_hash,)).fetchone()
        if row is None:
            raise NotFound(f"no content {content_hash}")
        return row["content"]

    def facts(self, document_id: int) -> dict[str, list[dict]]:
        out = {}
        for table in FACT_TABLES:
            rows = self.conn.execute(f"SELECT * FROM {table} WHERE document_id = ? ORDER BY start_offset NULLS FIRST, id",
                                     (document_id,))
            out[table] = [_decode_json(dict(r)) for r in rows]
        return out

    # --- questions the app asks -------------------------------------------
    def citing(self, number_key: str, exclude: int | None = None) -> list[dict]:
        rows = self.conn.execute(
            "SELECT DISTINCT d.id, d.title, d.kind, d.published, d.source FROM doc_refs r "
            "JOIN documents d ON d.id = r.document_id WHERE r.number_key = ? AND r.is_own = 0 AND d.id <> ? "
            "ORDER BY d.published DESC NULLS LAST", (number_key, 0 if exclude is None else exclude))  # ids start at 1
        return [dict(r) for r in rows]

    def document_by_number(self, number_key: str) -> dict | None:
        row = self.conn.execute("SELECT id, title, kind, published, source FROM documents WHERE number_key = ?",
                                (number_key,)).fetchone()
        return dict(row) if row else None

    def model_variants(self) -> list[dict]:
        """Every model spelling: its key, the documents naming it and its replication figures."""
        rows = self.conn.execute(
            "SELECT model_key, name, count(DISTINCT document_id) AS documents, 0 AS counts FROM models "
            "GROUP BY model_key, name UNION ALL "
            "SELECT model_key, model, count(DISTINCT document_id), count(*) FROM model_counts GROUP BY model_key, model")
        merged: dict[tuple, dict] = {}
        for row in rows:
            item = merged.setdefault((row["model_key"], row["name"]), {"model_key": row["model_key"], "name": row["name"],
                                                                       "documents": 0, "counts": 0})
            item["documents"] = max(item["documents"], row["documents"])
            item["counts"] += row["counts"]
        return sorted(merged.values(), key=lambda m: (-m["documents"], m["name"]))

    def model_document_ids(self) -> dict[str, set[int]]:
        """The documents naming or counting each model key."""
        out: dict[str, set[int]] = {}
        for row in self.conn.execute("SELECT model_key, document_id FROM models UNION "
                                     "SELECT model_key, document_id FROM model_counts"):
            out.setdefault(row["model_key"], set()).add(row["document_id"])
        return out

    def model_mentions(self, model_keys: list[str]) -> list[dict]:
        """Replication statements of the models, with their documents' dates and sources."""
        marks = ",".join("?" * len(model_keys))
        rows = self.conn.execute(
            "SELECT c.id, c.document_id, c.model, c.model_key, c.value, c.unit, c.place, c.text, c.start_offset, "
            "c.end_offset, d.title, d.published, d.source, d.kind FROM model_counts c "
            f"JOIN documents d ON d.id = c.document_id WHERE c.model_key IN ({marks}) "
            "ORDER BY d.published NULLS FIRST, c.document_id, c.start_offset NULLS FIRST", tuple(model_keys))
        return [dict(r) for r in rows]

    def model_documents(self, model_keys: list[str]) -> list[dict]:
        marks = ",".join("?" * len(model_keys))
        rows = self.conn.execute(
            "SELECT DISTINCT d.id, d.title, d.published, d.kind, d.source FROM documents d WHERE d.id IN ("
            f"SELECT document_id FROM models WHERE model_key IN ({marks}) UNION "
            f"SELECT document_id FROM model_counts WHERE model_key IN ({marks})) ORDER BY d.published DESC NULLS LAST, d.id",
            tuple(model_keys) * 2)
        return [dict(r) for r in rows]

    def places_of(self, document_ids: list[int]) -> list[dict]:
        """The resolved places of documents (one row per place and document)."""
        if not document_ids:
            return []
        rows = self.conn.execute(
            "SELECT document_id, name, level, province, district, lat, lon FROM places "
            f"WHERE document_id IN ({ID_LIST}) ORDER BY document_id, start_offset NULLS FIRST",
            (json.dumps(list(document_ids)),))
        return [dict(r) for r in rows]

    def export_rows(self, document_ids: list[int] | None = None) -> Iterator[dict]:
        """Figures and model counts with their sources, one row each, for CSV and JSON export."""
        where, args = "", ()
        if document_ids is not None:
            # One JSON parameter: a search may select more ids than SQLite allows parameters.
            where, args = f"WHERE d.id IN ({ID_LIST})", (json.dumps(list(document_ids)),)
        sql = (
            "SELECT 'figure' AS fact, NULL AS model, f.value, f.unit, NULL AS place, f.text, d.id AS document_id, "
            "d.title, d.published, d.source, f.start_offset FROM figures f JOIN documents d ON d.id = f.document_id "
            f"{where} UNION ALL "
            "SELECT 'model_count', c.model, c.value, c.unit, c.place, c.text, d.id, d.title, d.published, d.source, "
            f"c.start_offset FROM model_counts c JOIN documents d ON d.id = c.document_id {where} "
            "ORDER BY document_id, start_offset NULLS FIRST, fact")  # ties: the figure first, on both
        for row in self.conn.execute(sql, args + args):
            yield dict(row)


def version_of(updated_at: str | None, extracted_at: str | None) -> str:
    return f"{updated_at or ''}|{extracted_at or ''}"


def _document_fields(document, extraction: dict | None) -> tuple:
    ex = extraction or {}
    number = ex.get("number")
    return (document.content_hash, document.media_type, ex.get("kind") or document.kind or "article",
            ex.get("title") or document.title, ex.get("published") or document.published, ex.get("issuer"),
            number, number_key(number) if number else None, document.text, getattr(document, "author", None),
            "\n".join(getattr(document, "warnings", None) or []) or None)


def _decode_json(row: dict) -> dict:
    for key in ("aliases", "mentions"):
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row
