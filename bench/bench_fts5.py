"""The SQLite FTS5 baseline of bench/search.py: the same documents and queries.

unicode61 remove_diacritics 2 folds accents but keeps đ, so đ/Đ are mapped to d/D
in text and queries. Document numbers are a column of their own; "KH 953" style
queries are not understood (FTS5 has no notion of them) and search the number column
for the serial and code tokens instead."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from baseline_queries import query_parts

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, body, numbers, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE meta(rowid INTEGER PRIMARY KEY, kind TEXT, year TEXT, province TEXT, issuer TEXT, model TEXT);
CREATE INDEX meta_province_year ON meta(province, year);
"""
_D = str.maketrans("đĐ", "dD")


def build_fts5(path: Path, records) -> dict:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    start = time.perf_counter()
    count = 0
    with conn:
        for record in records:
            doc = record["document"]
            numbers = " ".join(r["number"] for r in record["doc_refs"]).translate(_D)
            conn.execute("INSERT INTO docs(rowid, title, body, numbers) VALUES (?, ?, ?, ?)",
                         (doc["id"], doc["title"].translate(_D), doc["text"].translate(_D), numbers))
            conn.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                         (doc["id"], doc["kind"], doc["published"][:4], record["places"][0]["province"],
                          doc.get("issuer"), record["models"][0]["name"]))
            count += 1
    seconds = time.perf_counter() - start
    conn.close()
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds, "size_mb": path.stat().st_size / 1e6}


def fts5_queries(path: Path, queries: dict) -> dict:
    script = Path(__file__).resolve().parent / "search_serve.py"
    result = subprocess.run([sys.executable, str(script), "--fts5", str(path)], input=json.dumps(queries),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


class FTS5Searcher:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def search(self, text: str, filters: dict | None, facets: bool) -> int:
        match = _match(text)
        where, args = "docs MATCH ?", [match]
        if filters:
            where += " AND meta.province = ? AND meta.year = ?"
            args += [filters["province"], filters["year"]]
        base = f"FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {where}"
        self.conn.execute(f"SELECT docs.rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 20) {base} "
                          "ORDER BY rank LIMIT 10", args).fetchall()
        total = self.conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        if facets:
            for column in ("kind", "year", "province", "issuer", "model"):
                self.conn.execute(f"SELECT meta.{column}, count(*) {base} GROUP BY meta.{column}", args).fetchall()
        return total


def _match(text: str) -> str:
    kind, tokens = query_parts(text.translate(_D))
    if kind == "number":
        return 'numbers : "' + " ".join(tokens) + '"'
    if kind == "phrase":
        return '"' + " ".join(tokens) + '"'
    return " ".join(f'"{w}"' for w in tokens)
