"""The data of the model pages, shared by the HTML, JSON and CSV views."""
from __future__ import annotations

import os
from collections import defaultdict

from flask import current_app, request

from corpus import NotFound
from nlp.normalize import fold
from search_app.db import get_store
from corpus.model_groups import ModelGroup, find_group, group_models, matching_groups
from search_app.scoring import date_bound

MODEL_FILTERS = ("province", "year", "from", "to")


_GROUPS: dict[str, tuple[tuple, list[ModelGroup]]] = {}


def model_groups() -> list[ModelGroup]:
    """The grouped models, computed once per version of the knowledge base file (every
    search needs them for the model facet; grouping reads every model row)."""
    path = current_app.config["DATABASE"]
    stamp = _file_stamp(path)
    cached = _GROUPS.get(path)
    if cached is None or cached[0] != stamp:
        store = get_store()
        cached = (stamp, group_models(store.model_variants(), store.model_document_ids()))
        _GROUPS[path] = cached
    return cached[1]


def _file_stamp(path: str) -> tuple:
    stamps = []
    for name in (path, path + "-wal"):
        try:
            info = os.stat(name)
            stamps.append((info.st_ino, info.st_mtime_ns, info.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


def model_list(text: str = "") -> list[dict]:
    return [group.as_dict() for group in matching_groups(model_groups(), text)]


def model_filters() -> dict:
    return {k: request.args.get(k)[:40] for k in MODEL_FILTERS if request.args.get(k)}


def model_data(model_id: str, filters: dict | None = None) -> dict:
    """A model's spellings, its replication statements (filtered), places and summaries."""
    group = find_group(model_groups(), model_id)
    if group is None:
        raise NotFound(f"no model {model_id}")
    store = get_store()
    documents = store.model_documents(group.keys)
    all_mentions = store.model_mentions(group.keys)
    places = store.places_of(sorted({m["document_id"] for m in all_mentions}))
    lookup = _place_lookup(places)
    resolved = [_resolved(m, lookup) for m in all_mentions]
    mentions = [m for m in resolved if _passes(m, filters or {})]
    return {
        "id": group.id, "name": group.name, "variants": group.variants, "keys": group.keys,
        "filters": filters or {}, "documents": documents, "mentions": mentions,
        "distinct_places": len({fold(m["place"]) for m in mentions if m["place"]}),
        "by_province": _summary(mentions, "province"), "by_year": _summary(mentions, "year"),
        "provinces": sorted({m["province"] for m in resolved if m["province"]}),
        "years": sorted({m["year"] for m in resolved if m["year"]}),
    }


def _place_lookup(places: list[dict]) -> tuple[dict, dict]:
    """Places by document, and by their folded "level name" ("tinh quang tri") across documents."""
    by_document: dict[int, list[dict]] = defaultdict(list)
    by_name: dict[str, dict] = {}
    for place in places:
        by_document[place["document_id"]].append(place)
        by_name.setdefault(fold(f"{place['level']} {place['name']}"), place)
    return by_document, by_name


def _resolved(mention: dict, lookup: tuple[dict, dict]) -> dict:
    """The mention with its place's province, district and coordinates from the document's places."""
    place = _find_place(mention, *lookup)
    published = mention.get("published") or ""
    return {"document_id": mention["document_id"], "model": mention["model"], "count": mention["value"],
            "unit": mention["unit"], "place": mention["place"], "date": published or None,
            "year": published[:4] or None, "province": place.get("province"), "district": place.get("district"),
            "lat": place.get("lat"), "lon": place.get("lon"), "text": mention["text"], "title": mention["title"],
            "source": mention["source"], "start": mention["start_offset"], "end": mention["end_offset"]}


def _find_place(mention: dict, by_document: dict, by_name: dict) -> dict:
    wanted = fold(mention.get("place") or "")
    if not wanted:
        return {}
    own = by_document.get(mention["document_id"], [])
    exact = [p for p in own if fold(f"{p['level']} {p['name']}") == wanted]
    ending = [p for p in own if wanted.endswith(fold(p["name"]))]
    return (exact or ending or [by_name.get(wanted, {})])[0]


def _passes(mention: dict, filters: dict) -> bool:
    if filters.get("province") and mention["province"] != filters["province"]:
        return False
    if filters.get("year") and mention["year"] != filters["year"]:
        return False
    day = int((mention["date"] or "0").replace("-", "")[:8] or 0) if mention["date"] else 0
    low, high = date_bound(filters.get("from"), False), date_bound(filters.get("to"), True)
    if (low or high) and not (day and (low or 0) <= day <= (high or 99991231)):
        return False
    return True


def _summary(mentions: list[dict], key: str) -> list[dict]:
    """Statements, summed counts per unit and distinct places for each province or year."""
    rows: dict = defaultdict(lambda: {"statements": 0, "totals": defaultdict(float), "places": set()})
    for m in mentions:
        row = rows[m[key] or "—"]
        row["statements"] += 1
        row["totals"][m["unit"] or ""] += m["count"]
        if m["place"]:
            row["places"].add(fold(m["place"]))
    out = [{key: name, "statements": r["statements"], "places": len(r["places"]),
            "totals": [{"unit": u, "count": c} for u, c in sorted(r["totals"].items(), key=lambda uc: -uc[1])]}
           for name, r in rows.items()]
    return sorted(out, key=lambda r: r[key]) if key == "year" else sorted(out, key=lambda r: (-r["statements"], r[key]))


def export_rows(data: dict):
    """The model's statements as rows of the figures CSV."""
    for m in data["mentions"]:
        yield {"fact": "model_count", "model": m["model"], "value": m["count"], "unit": m["unit"], "place": m["place"],
               "text": m["text"], "document_id": m["document_id"], "title": m["title"], "published": m["date"],
               "source": m["source"]}
