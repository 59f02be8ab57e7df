"""The data of the model pages, shared by the HTML, JSON, CSV and XLSX views. It only reads the
knowledge base's derived tables (model groups, summaries, the replication table): no view adds
counts on its own."""
from __future__ import annotations

import os

from flask import current_app, request

from corpus import NotFound, answers, backend
from corpus.model_groups import ModelGroup
from search_app.db import get_store

MODEL_FILTERS = answers.FILTERS
_GROUPS: dict[str, tuple[tuple, list[ModelGroup]]] = {}


def model_groups() -> list[ModelGroup]:
    """The model groups of the knowledge base (for the search facet), read once per version of the file."""
    path = current_app.config["DATABASE"]
    stamp = _file_stamp(path)
    cached = _GROUPS.get(path)
    if cached is None or cached[0] != stamp:
        groups = [ModelGroup(m["model_id"], m["name"], m["keys"], m["variants"], m["documents"], m["counts"])
                  for m in answers.models(get_store())]
        cached = (stamp, groups)
        _GROUPS[path] = cached
    return cached[1]


_COPIES: dict[str, tuple[tuple, dict[int, int]]] = {}


def copy_clusters() -> dict[int, int]:
    """Document id -> copy cluster, read once per version of the knowledge base file."""
    path = current_app.config["DATABASE"]
    stamp = _file_stamp(path)
    cached = _COPIES.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, answers.copies(get_store()))
        _COPIES[path] = cached
    return cached[1]


def _file_stamp(path: str) -> tuple:
    """Changes whenever the knowledge base does: the SQLite file and its WAL, or (a server's database,
    which has no file) the derived tables' state, which every write marks and every rebuild stamps."""
    if backend.is_url(path):
        row = get_store().conn.execute("SELECT dirty, built_at FROM derived_state WHERE name = 'replication'").fetchone()
        return ("server", tuple(row) if row else None)
    stamps = []
    for name in (path, path + "-wal"):
        try:
            info = os.stat(name)
            stamps.append((info.st_ino, info.st_mtime_ns, info.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


def model_list(text: str = "") -> list[dict]:
    return answers.models(get_store(), text)


def model_filters() -> dict:
    return {k: request.args.get(k)[:40] for k in MODEL_FILTERS if request.args.get(k)}


def model_data(model_id: str, filters: dict | None = None) -> dict:
    """A model's spellings, its replication rows (filtered) and the documents naming it."""
    store = get_store()
    summary = answers.model(store, model_id)
    if summary is None:
        raise NotFound(f"no model {model_id}")
    every = answers.replication_rows(store, [summary["model_id"]], include_all=True)
    rows = [r for r in every if answers._passes(r, filters or {})]
    achieved = [r for r in rows if r["status"] == "achieved"]
    return {
        "id": summary["model_id"], "name": summary["name"], "variants": summary["variants"],
        "keys": summary["keys"], "filters": filters or {},
        "documents": store.model_documents(summary["keys"]), "copies": summary["copies"],
        "rows": achieved, "plans": [r for r in rows if r["status"] != "achieved"],
        "scopes": len({(r["scope"], r["province"]) for r in achieved if r["scope"] and not r.get("partial")}),
        "provinces": sorted({r["province"] for r in every if r["province"]}),
        "years": sorted({(r["as_of"] or "")[:4] for r in every if r["as_of"]}),
    }


def timeline(data: dict, limit: int = 6) -> list[dict]:
    """Series for the chart: each row's stated achieved values over time (its history and its latest),
    the rows with the longest history first. Points are values as stated, never sums."""
    series = []
    for row in data["rows"]:
        if row.get("partial") or not row["as_of"]:
            continue
        points = [(h["as_of"], h["value"]) for h in row["history"] if h["status"] == "achieved" and h["as_of"]]
        points.append((row["as_of"], row["value"]))
        label = f"{row['scope'] or 'không rõ địa bàn'} ({row['unit']})"
        series.append({"label": label, "points": sorted(points)})
    series.sort(key=lambda s: (-len(s["points"]), -max(v for _, v in s["points"])))
    return series[:limit]


def map_points(data: dict) -> list[dict]:
    points: dict = {}
    for row in data["rows"]:
        if row["lat"] is None or row["lon"] is None or row.get("partial"):
            continue
        point = points.setdefault((row["lat"], row["lon"]), {"lat": row["lat"], "lon": row["lon"], "weight": 0,
                                                               "items": []})
        point["weight"] += 1
        point["items"].append(f"{row['value']:g} {row['unit']} – {row['scope']} ({row['as_of'] or '?'})")
    for point in points.values():
        point["label"] = "; ".join(point.pop("items")[:6])
    return list(points.values())


def table_rows(data: dict) -> list[dict]:
    """The model's replication rows, flattened for CSV and XLSX."""
    return [answers.flat(r) for r in data["rows"] + data["plans"]]


def fact_rows(data: dict) -> list[dict]:
    """The model's counts, one row per fact, with the page's filters."""
    store = get_store()
    ids = [d["id"] for d in data["documents"]]
    return list(answers.fact_rows(store, ids, [data["id"]], data["filters"]))
