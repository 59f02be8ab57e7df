"""What researchers read out of the knowledge base: replication rows and fact rows, in the
shape of replication.md, shared by the CLI, the pages, the JSON API and the CSV/XLSX exports."""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

from corpus.exports import STATUS_LABELS
from corpus.store import ID_LIST, Store
from nlp.normalize import fold

FILTERS = ("province", "year", "from", "to")


def display_source(source: str | None) -> str:
    """A URL as it is; a file by its name only: a local absolute path says nothing to a reader
    and tells where someone keeps their files."""
    if not source:
        return ""
    if re.match(r"https?://", source):
        return source
    return os.path.basename(source.rstrip("/\\")) or source


def copies(store: Store) -> dict[int, int]:
    """Document id -> its copy cluster (the smallest id among the copies of one text)."""
    return dict(store.conn.execute("SELECT document_id, cluster_id FROM document_copies"))


def models(store: Store, text: str = "") -> list[dict]:
    """The model list: per model its spellings, documents (copies once), scopes with an achieved
    count and the latest figures per province."""
    words = fold(text).split()
    out = []
    for row in store.conn.execute("SELECT * FROM model_summaries ORDER BY copies DESC, scopes DESC, name"):
        item = dict(row)
        for key in ("variants", "keys", "provinces"):
            item[key] = json.loads(item[key])
        if words and not any(all(w in fold(v) for w in words) for v in item["variants"]):
            continue
        item["id"] = item["model_id"]
        out.append(item)
    return out


def model(store: Store, model_id: str) -> dict | None:
    row = store.conn.execute("SELECT * FROM model_summaries WHERE model_id = ?", (model_id,)).fetchone()
    if row is None:
        row = store.conn.execute("SELECT s.* FROM model_groups g JOIN model_summaries s ON s.model_id = g.model_id "
                                 "WHERE g.model_key = ?", (model_id,)).fetchone()
    if row is None:
        return None
    item = dict(row)
    for key in ("variants", "keys", "provinces"):
        item[key] = json.loads(item[key])
    item["id"] = item["model_id"]
    return item


def find_models(store: Store, text: str) -> list[str]:
    """Model ids whose name or a spelling contains every word of text (accents ignored)."""
    return [m["model_id"] for m in models(store, text)]


def replication_rows(store: Store, model_ids: list[str] | None = None, include_all: bool = False,
                     filters: dict | None = None) -> list[dict]:
    """Rows as replication.md section 4 prints them; only latest achieved rows unless include_all."""
    where, args = [], []
    if model_ids is not None:
        where.append("model_id IN (SELECT value FROM json_each(?))")  # one JSON parameter, however many
        args.append(json.dumps(model_ids))
    if not include_all:
        where.append("status = 'achieved'")
    sql = "SELECT * FROM replication" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY model, province IS NULL, province, partial, scope NULLS FIRST, unit"
    rows = [_replication_row(dict(r)) for r in store.conn.execute(sql, args)]
    return [r for r in rows if _passes(r, filters or {})]


def _replication_row(row: dict) -> dict:
    value = row["value"]
    out = {"model": row["model"], "model_id": row["model_id"], "scope": row["scope"], "province": row["province"],
           "level": row["level"], "unit": row["unit"],
           "value": int(value) if value is not None and float(value).is_integer() else value,
           "as_of": row["as_of"], "status": row["status"], "sources": json.loads(row["sources"]),
           "history": json.loads(row["history"]), "target": json.loads(row["target"]) if row["target"] else None,
           "lat": row["lat"], "lon": row["lon"]}
    for source in out["sources"]:
        source["source"] = display_source(source.get("source"))
    if row["partial"]:
        out.update(partial=True, children=row["children"])
    return out


def _passes(row: dict, filters: dict) -> bool:
    if row.get("partial") and any(filters.get(k) for k in ("year", "from", "to")):
        return False  # a sum over children of several dates says nothing about one period
    if filters.get("province") and row.get("province") != filters["province"]:
        return False
    when = row.get("as_of") or ""
    if filters.get("year") and not when.startswith(filters["year"]):
        return False
    if filters.get("from") and (not when or when < filters["from"][:len(when)]):
        return False
    if filters.get("to") and (not when or when[:len(filters["to"])] > filters["to"]):
        return False
    return True


def flat(row: dict) -> dict:
    """A replication row as one line of a spreadsheet."""
    target = row.get("target") or {}
    first = (row.get("sources") or [{}])[0]
    history = "; ".join(f"{h['value']:g} ({h.get('as_of') or '?'}, {STATUS_LABELS.get(h['status'], h['status'])})"
                        for h in row.get("history") or [])
    return {**row, "target_value": target.get("value"), "target_as_of": target.get("as_of"), "history": history,
            "sources": len(row.get("sources") or []), "sentence": first.get("sentence"),
            "source": first.get("source"), "document_id": first.get("document")}


def fact_rows(store: Store, document_ids: list[int] | None = None, model_ids: list[str] | None = None,
              filters: dict | None = None) -> Iterator[dict]:
    """One row per fact: a model count with its model; a figure that is no model count on its own.
    The whole sentence, the place where known, and the source as a URL or file name."""
    where, args = "", []
    if document_ids is not None:
        where = f"WHERE d.id IN ({ID_LIST})"
        args = [json.dumps(list(document_ids))]
    sentence = "substr(d.text, x.sentence_start + 1, x.sentence_end - x.sentence_start)"
    sql = (
        f"SELECT 'model_count' AS fact, g.model_id, coalesce(g.name, x.model) AS model, x.value, x.unit, x.place, "
        f"x.status, x.as_of, {sentence} AS sentence, d.id AS document_id, d.title, d.published, d.source, "
        f"x.start_offset FROM model_counts x JOIN documents d ON d.id = x.document_id "
        f"LEFT JOIN model_groups g ON g.model_key = x.model_key {where} UNION ALL "
        f"SELECT 'figure', NULL, NULL, x.value, x.unit, x.place, NULL, NULL, {sentence}, d.id, d.title, d.published, "
        f"d.source, x.start_offset FROM figures x JOIN documents d ON d.id = x.document_id {where} "
        "AND NOT EXISTS (SELECT 1 FROM model_counts c WHERE c.document_id = x.document_id "
        "AND c.start_offset = x.start_offset AND c.value = x.value) "
        "ORDER BY document_id, start_offset NULLS FIRST, fact DESC")
    if not where:
        sql = sql.replace(" AND NOT EXISTS", " WHERE NOT EXISTS")
    for row in store.conn.execute(sql, args * 2):
        item = dict(row)
        if model_ids is not None and item["model_id"] not in model_ids:
            continue
        if item["value"] is not None and float(item["value"]).is_integer():
            item["value"] = int(item["value"])
        item["sentence"] = " ".join((item["sentence"] or "").split())
        item["source"] = display_source(item["source"])
        item.pop("start_offset", None)
        if _passes({"province": None, "as_of": item["as_of"] or item["published"]}, _no_province(filters)):
            yield item


def _no_province(filters: dict | None) -> dict:
    return {k: v for k, v in (filters or {}).items() if k != "province"}
