"""Schema migrations, applied in order; PRAGMA user_version (SQLite) or the schema_version table
(PostgreSQL) records the last one. Scripts are written in SQLite's types; corpus.pg.ddl gives
PostgreSQL's. A migration that is a function gets the connection and may ask its dialect."""
from __future__ import annotations

from corpus.backend import POSTGRESQL, dialect

_PROVENANCE = """
    start_offset INTEGER, end_offset INTEGER, sentence_start INTEGER, sentence_end INTEGER,
    extractor_version TEXT NOT NULL"""

MIGRATIONS: list = [
    f"""
    CREATE TABLE blobs (
        hash TEXT PRIMARY KEY, media_type TEXT NOT NULL, size INTEGER NOT NULL,
        content BLOB NOT NULL, added_at TEXT NOT NULL
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL REFERENCES blobs(hash),
        media_type TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('article', 'directive')),
        title TEXT, published TEXT, issuer TEXT, number TEXT, number_key TEXT,
        text TEXT NOT NULL,
        imported_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        extractor_version TEXT, extracted_at TEXT
    );
    CREATE TABLE doc_refs (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        number TEXT NOT NULL, number_key TEXT NOT NULL, type TEXT, date TEXT, issuer TEXT,
        is_own INTEGER NOT NULL DEFAULT 0, text TEXT,{_PROVENANCE}
    );
    CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL, canonical TEXT NOT NULL, model_key TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]', mentions TEXT NOT NULL DEFAULT '[]',{_PROVENANCE}
    );
    CREATE TABLE model_counts (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        model TEXT NOT NULL, model_key TEXT NOT NULL, value REAL NOT NULL, unit TEXT, place TEXT, text TEXT,{_PROVENANCE}
    );
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        value REAL NOT NULL, unit TEXT NOT NULL, text TEXT,{_PROVENANCE}
    );
    CREATE TABLE places (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL, level TEXT NOT NULL, province TEXT, district TEXT, lat REAL, lon REAL,
        mentions TEXT NOT NULL DEFAULT '[]',{_PROVENANCE}
    );
    CREATE INDEX doc_refs_key ON doc_refs(number_key);
    CREATE INDEX doc_refs_document ON doc_refs(document_id);
    CREATE INDEX models_key ON models(model_key);
    CREATE INDEX models_document ON models(document_id);
    CREATE INDEX model_counts_key ON model_counts(model_key);
    CREATE INDEX model_counts_document ON model_counts(document_id);
    CREATE INDEX figures_document ON figures(document_id);
    CREATE INDEX places_document ON places(document_id);
    CREATE INDEX documents_number ON documents(number_key);
    """,
    # 2: crawler state. The frontier survives Ctrl-C so a crawl resumes; fetch records keep the
    # validators (ETag, Last-Modified) for conditional revisits and the hash of the stored bytes.
    """
    CREATE TABLE crawl_fetches (
        url TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        http_status INTEGER, content_hash TEXT REFERENCES blobs(hash), media_type TEXT,
        etag TEXT, last_modified TEXT, fetched_at TEXT NOT NULL, error TEXT, document_id INTEGER
    );
    CREATE TABLE crawl_frontier (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('listing', 'article', 'attachment', 'sitemap', 'feed')),
        depth INTEGER NOT NULL, round INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed', 'skipped')),
        added_at TEXT NOT NULL
    );
    CREATE INDEX crawl_frontier_queue ON crawl_frontier(source, state, id);
    CREATE INDEX crawl_fetches_source ON crawl_fetches(source, status);
    """,
    # 3: near-duplicates (one press release reposted on several portals) are linked, not dropped.
    """
    CREATE TABLE document_signatures (
        document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        signature TEXT NOT NULL
    );
    CREATE TABLE near_duplicates (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        other_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        similarity REAL NOT NULL,
        PRIMARY KEY (document_id, other_id)
    );
    """,
    # 4: the article's author (markup or closing byline).
    """
    ALTER TABLE documents ADD COLUMN author TEXT;
    """,
    # 5: what a model count means (replication.md) and the replication table derived from the counts.
    # Derived tables are rebuilt from the facts whenever they change; nothing edits them by hand.
    """
    ALTER TABLE model_counts ADD COLUMN status TEXT;
    ALTER TABLE model_counts ADD COLUMN as_of TEXT;
    ALTER TABLE model_counts ADD COLUMN footer INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE figures ADD COLUMN place TEXT;
    CREATE TABLE model_groups (
        model_key TEXT PRIMARY KEY, model_id TEXT NOT NULL, name TEXT NOT NULL
    );
    CREATE TABLE model_summaries (
        model_id TEXT PRIMARY KEY, name TEXT NOT NULL, variants TEXT NOT NULL, keys TEXT NOT NULL,
        documents INTEGER NOT NULL, copies INTEGER NOT NULL, counts INTEGER NOT NULL, scopes INTEGER NOT NULL,
        provinces TEXT NOT NULL
    );
    CREATE TABLE replication (
        id INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL, model TEXT NOT NULL, scope TEXT, scope_key TEXT NOT NULL, level TEXT,
        province TEXT, district TEXT, unit TEXT NOT NULL, value REAL, as_of TEXT, status TEXT NOT NULL,
        partial INTEGER NOT NULL DEFAULT 0, children INTEGER NOT NULL DEFAULT 0,
        target TEXT, history TEXT NOT NULL, sources TEXT NOT NULL, lat REAL, lon REAL
    );
    CREATE INDEX replication_model ON replication(model_id);
    CREATE TABLE document_copies (
        document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        cluster_id INTEGER NOT NULL
    );
    CREATE INDEX document_copies_cluster ON document_copies(cluster_id);
    CREATE TABLE derived_state (name TEXT PRIMARY KEY, dirty INTEGER NOT NULL, built_at TEXT);
    INSERT INTO derived_state VALUES ('replication', 1, NULL);
    """,
]


def _recompute_signatures(conn) -> None:
    """Stored near-duplicate signatures recomputed by the current ingest.dedup.signature, so new
    documents compare against signatures of the same kind (the links already found stay). Page
    by page: the texts of a large store never sit in memory at once."""
    import json

    from ingest.dedup import signature

    last = 0
    while rows := conn.execute("SELECT s.document_id, d.text FROM document_signatures s JOIN documents d "
                               "ON d.id = s.document_id WHERE s.document_id > ? ORDER BY s.document_id LIMIT 500",
                               (last,)).fetchall():
        conn.executemany("UPDATE document_signatures SET signature = ? WHERE document_id = ?",
                         [(json.dumps(signature(text)), doc_id) for doc_id, text in rows])
        last = rows[-1][0]


def _signatures_of_version_2(conn) -> None:
    """6: signatures of the vectorised MinHash (SIGNATURE_VERSION 2) replaced the pure-Python ones.
    Nothing left to do: migration 10 recomputes them all in the current version."""


MIGRATIONS.append(_signatures_of_version_2)


def _add_warnings(conn) -> None:
    """7: what reading a document had to repair, kept with it."""
    if "warnings" not in columns(conn, "documents"):
        conn.execute(typed(conn, "ALTER TABLE documents ADD COLUMN warnings TEXT"))


MIGRATIONS.append(_add_warnings)
# 8: extraction jobs. A re-extraction queues the documents; workers claim batches (on PostgreSQL
# with FOR UPDATE SKIP LOCKED), and a claim older than its lease is taken over (a worker died).
MIGRATIONS.append("""
    CREATE TABLE IF NOT EXISTS extraction_jobs (
        document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        worker TEXT, claimed_at TEXT
    );
    """)



def _order_signatures(conn) -> None:
    """9: signatures numbered in the order they were written, so a writer reads only those that
    other writers (a second crawl, an import) stored since it last looked."""
    if "seq" not in columns(conn, "document_signatures"):
        conn.execute("ALTER TABLE document_signatures ADD COLUMN seq INTEGER")
    conn.execute("CREATE INDEX IF NOT EXISTS document_signatures_seq ON document_signatures(seq)")


MIGRATIONS.append(_order_signatures)
# 10: near-duplicate signatures of SIGNATURE_VERSION 3 (words, shingles and permutations hashed
# arithmetically in numpy) replace those of version 2.
MIGRATIONS.append(_recompute_signatures)
# 11: a document's links are found from either side. Replacing them (DELETE … WHERE document_id = ?
# OR other_id = ?) read the whole table for every document saved, other_id having no index, and so
# did the cascade when a document is deleted.
MIGRATIONS.append("""
    CREATE INDEX IF NOT EXISTS near_duplicates_other ON near_duplicates(other_id);
    """)


def typed(conn, sql: str) -> str:
    """Schema SQL in the connection's types (written in SQLite's)."""
    if dialect(conn) == POSTGRESQL:
        from corpus.pg import ddl

        return ddl(sql)
    return sql


def columns(conn, table: str) -> set[str]:
    if dialect(conn) == POSTGRESQL:
        return {row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?", (table,))}
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def migrate(conn) -> int:
    """Apply the migrations the database has not seen; returns the new version. A migration is an
    SQL script or a function of the connection; each runs in its own transaction."""
    if dialect(conn) == POSTGRESQL:
        return _migrate_postgresql(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        if callable(step):
            with conn:
                step(conn)
                conn.execute(f"PRAGMA user_version = {number}")
        else:
            with conn:
                conn.executescript("BEGIN;" + step + f"PRAGMA user_version = {number};COMMIT;")
    return len(MIGRATIONS)


def version(conn) -> int:
    if dialect(conn) == POSTGRESQL:
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _migrate_postgresql(conn) -> int:
    """As on SQLite, each step in a transaction (PostgreSQL's DDL is transactional). Processes
    opening a new database at once wait on an advisory lock: one migrates, the others see it done."""
    from corpus.pg import MIGRATION_LOCK

    conn.execute("SELECT pg_advisory_lock(?)", (MIGRATION_LOCK,))
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = version(conn)
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            with conn:
                step(conn) if callable(step) else conn.executescript(typed(conn, step))
                conn.execute("INSERT INTO schema_version VALUES (?)", (number,))
    finally:
        conn.execute("SELECT pg_advisory_unlock(?)", (MIGRATION_LOCK,))
    return len(MIGRATIONS)
