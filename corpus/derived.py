"""Derived data of the knowledge base: model groups, model summaries and the replication
table. Rebuilt from the stored facts whenever they changed (import, crawl, reextract);
pages and exports only read them."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from itertools import groupby

from corpus import replication
from corpus.model_groups import group_models
from corpus.store import Store
from corpus.replication import fold


def is_stale(store: Store) -> bool:
    row = store.conn.execute("SELECT dirty FROM derived_state WHERE name = 'replication'").fetchone()
    return row is None or bool(row[0])


def rebuild(store: Store) -> int:
    """Recompute every derived table in one transaction; returns the number of replication rows.

    Writers bump derived_state.dirty; a rebuild subtracts the count it saw before reading the facts,
    so writes during a rebuild leave the tables stale. Of two rebuilds at once (two processes),
    the one that finds the other committed since it began leaves the other's tables in place."""
    seen, built_at = _state(store)
    groups = group_models(store.model_variants(), store.model_document_ids())
    group_of = {key: g for g in groups for key in g.keys}
    clusters = copy_clusters(store)
    facts = list(_facts(store, group_of, clusters))
    rows = replication.build(facts)
    with store.conn:
        store.write_lock("derived")  # one rebuild at a time: two would insert the same keys
        if _state(store)[1] != built_at:
            return store.conn.execute("SELECT count(*) FROM replication").fetchone()[0]
        store.conn.execute("DELETE FROM model_groups")
        store.conn.executemany("INSERT INTO model_groups VALUES (?, ?, ?)",
                               [(key, g.id, g.name) for key, g in group_of.items()])
        store.conn.execute("DELETE FROM replication")
        store.conn.executemany(
            "INSERT INTO replication(model_id, model, scope, scope_key, level, province, district, unit, value, as_of, "
            "status, partial, children, target, history, sources, lat, lon) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_row_values(r) for r in rows])
        store.conn.execute("DELETE FROM document_copies")
        store.conn.executemany("INSERT INTO document_copies VALUES (?, ?)", sorted(clusters.items()))
        store.conn.execute("DELETE FROM model_summaries")
        store.conn.executemany("INSERT INTO model_summaries VALUES (?,?,?,?,?,?,?,?,?)",
                               _summaries(store, groups, rows, clusters))
        store.conn.execute("INSERT INTO derived_state VALUES ('replication', 0, ?) ON CONFLICT(name) DO UPDATE SET "
                           "dirty = CASE WHEN derived_state.dirty > ? THEN derived_state.dirty - ? ELSE 0 END, "
                           "built_at = excluded.built_at", (_timestamp(), seen, seen))
    return len(rows)


def _state(store: Store) -> tuple[int, str | None]:
    row = store.conn.execute("SELECT dirty, built_at FROM derived_state WHERE name = 'replication'").fetchone()
    return (row[0], row[1]) if row else (0, None)


def _timestamp() -> str:
    """When a rebuild committed, to the microsecond: it tells rebuilds apart."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def rebuild_if_stale(store: Store) -> bool:
    if is_stale(store):
        rebuild(store)
        return True
    return False


def copy_clusters(store: Store) -> dict[int, int]:
    """Document id -> the smallest id among its copies: the same content, or near-duplicates."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for a, b in store.conn.execute("SELECT document_id, other_id FROM near_duplicates"):
        union(a, b)
    same_content = store.conn.execute(
        "SELECT content_hash, id FROM documents WHERE content_hash IN "
        "(SELECT content_hash FROM documents GROUP BY content_hash HAVING count(*) > 1) ORDER BY content_hash, id")
    for _, rows in groupby(same_content, key=lambda row: row[0]):
        first, *rest = (row[1] for row in rows)
        for other in rest:
            union(first, other)
    return {doc_id: find(doc_id) for (doc_id,) in store.conn.execute("SELECT id FROM documents")}


def _facts(store: Store, group_of: dict, clusters: dict[int, int]):
    places = _places(store)
    anywhere = places.get(None, {})
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: this loop reads every count of the knowledge base
    for (fact_id, document_id, model_key, model, value, unit, place, status, as_of, published, kind, source,
         sentence, start, number) in cursor.execute(
            "SELECT c.id, c.document_id, c.model_key, c.model, c.value, c.unit, c.place, c.status, c.as_of, "
            "d.published, d.kind, d.source, substr(d.text, c.sentence_start + 1, c.sentence_end - c.sentence_start), "
            "c.start_offset, d.number FROM model_counts c JOIN documents d ON d.id = c.document_id"):
        group = group_of.get(model_key)
        where = _resolve(place, places.get(document_id, {}), anywhere)
        yield replication.Fact(
            fact_id, document_id, group.id if group else model_key, group.name if group else model, value, unit or "",
            place, status or replication.ACHIEVED, as_of, published, kind, source, " ".join((sentence or "").split()),
            start, cluster=clusters.get(document_id, document_id), number=number, **where)


def _places(store: Store) -> dict:
    """Resolved places by document and, under None, by name across documents (first resolution wins)."""
    by_document: dict = defaultdict(dict)
    provinces: dict[str, set] = defaultdict(set)
    district_levels: dict[tuple, str] = {}
    rows = [dict(r) for r in store.conn.execute(
        "SELECT document_id, name, level, province, district, lat, lon FROM places ORDER BY document_id, id")]
    for r in rows:
        if r["level"] in ("huyện", "quận", "thị xã", "thành phố") and r["province"]:
            district_levels.setdefault((r["province"], r["name"]), r["level"])
    for r in rows:
        district = r["district"]
        if district and r["level"] not in ("huyện", "quận", "thị xã", "thành phố", "tỉnh"):
            district = f"{district_levels.get((r['province'], district), 'huyện')} {district}"
        elif r["level"] in ("huyện", "quận", "thị xã", "thành phố") and r["province"] and fold(r["name"]) != fold(r["province"]):
            district = f"{r['level']} {r['name']}"
        else:
            district = None
        place = {"level": r["level"], "province": r["province"], "district": district, "lat": r["lat"], "lon": r["lon"]}
        key = fold(f"{r['level']} {r['name']}")
        by_document[r["document_id"]].setdefault(key, place)
        if r["province"]:
            provinces[key].add(r["province"])
            by_document[None].setdefault(key, place)
    # A name another document resolved is used only where it is one place: "xã Tân Lập" is in many provinces.
    by_document[None] = {k: v for k, v in by_document[None].items() if len(provinces[k]) == 1}
    return by_document


def _resolve(place: str | None, own: dict, anywhere: dict) -> dict:
    if not place:
        return {}
    key = fold(place)
    found = own.get(key) or anywhere.get(key)
    if found is None:
        level = next((lv for lv in ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "xã", "phường")
                      if key.startswith(fold(lv) + " ")), None)
        return {"level": level}
    return dict(found)


def _row_values(row: replication.Row) -> tuple:
    return (row.model_id, row.model, row.scope, row.scope_key, row.level, row.province, row.district, row.unit,
            row.value, row.as_of, row.status, int(row.partial), row.children,
            json.dumps(row.target, ensure_ascii=False) if row.target else None,
            json.dumps(row.history, ensure_ascii=False), json.dumps(row.sources, ensure_ascii=False), row.lat, row.lon)


def _summaries(store: Store, groups, rows: list[replication.Row], clusters: dict[int, int]) -> list[tuple]:
    """Per model: distinct documents (copies once), scopes with an achieved count, latest per province."""
    documents = store.model_document_ids()
    by_model: dict[str, list[replication.Row]] = defaultdict(list)
    for row in rows:
        by_model[row.model_id].append(row)
    out = []
    for g in groups:
        ids = set().union(*(documents.get(k, set()) for k in g.keys))
        copies = len({clusters.get(i, i) for i in ids})
        achieved = [r for r in by_model.get(g.id, []) if r.status == replication.ACHIEVED and r.scope]
        stated = [r for r in achieved if not r.partial]
        out.append((g.id, g.name, json.dumps(g.variants, ensure_ascii=False), json.dumps(g.keys, ensure_ascii=False),
                    len(ids), copies, g.counts, len({r.scope_key for r in stated}),
                    json.dumps(_province_figures(achieved), ensure_ascii=False)))
    return out


def _province_figures(rows: list[replication.Row]) -> list[dict]:
    """The province-level rows (stated, else partial), the figure a list page shows per province."""
    best: dict[tuple, replication.Row] = {}
    for row in rows:
        if not row.province or fold(row.scope or "") != fold(replication.province_label(row.province) or ""):
            continue
        key = (row.province, replication.unit_key(row.unit))
        if key not in best or (best[key].partial and not row.partial):
            best[key] = row
    return [{"province": r.province, "value": r.as_dict()["value"], "unit": r.unit, "as_of": r.as_of,
             "partial": r.partial} for r in sorted(best.values(), key=lambda r: (r.province, -(r.value or 0)))]
