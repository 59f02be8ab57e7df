"""The replication table (replication.md, section 3): from model counts to answers.

One row per (model, scope, unit). Its value is the latest achieved count; older achieved
counts are its history, targets and increases stand beside it, and nothing is ever added
across time, status or copies. A parent with no stated figure may show the sum of its
children, marked partial. The table is derived data: `build` is a pure function of the
facts, rebuilt whenever they change.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from functools import lru_cache

from nlp.normalize import fold as _fold_uncached, squeeze

# Scopes and units repeat across thousands of facts: fold each spelling once.
fold = lru_cache(maxsize=262_144)(_fold_uncached)

ACHIEVED, TARGET, INCREASE = "achieved", "target", "increase"
# Units that say how many places or communities have a model (how far it spread).
PLACE_UNITS = ("xã", "phường", "thị trấn", "thôn", "bản", "buôn", "làng", "xóm", "ấp", "khu phố", "tổ dân phố",
               "tiểu khu", "khu dân cư", "khối", "dòng họ", "giáo xứ", "giáo họ", "họ đạo", "xứ", "chùa", "ngôi chùa",
               "tuyến", "điểm", "địa bàn", "bến", "huyện", "quận", "thị xã", "cơ sở", "trường", "chợ")


@dataclass(slots=True)
class Fact:
    """One model count as stored, with what the table needs of its document and place."""
    id: int
    document_id: int
    model_id: str              # the model group (canonical model)
    model: str                 # the group's name
    value: float
    unit: str
    place: str | None
    status: str
    as_of: str | None
    published: str | None
    kind: str
    source: str
    sentence: str
    start: int | None
    level: str | None = None
    province: str | None = None
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    cluster: int = 0           # the document's copy cluster (itself, its .html twin, its reposts)
    number: str | None = None  # the document's own number, for a directive


@dataclass(slots=True)
class Row:
    model_id: str
    model: str
    scope: str | None
    scope_key: str
    level: str | None
    province: str | None
    district: str | None
    unit: str
    value: float | None
    as_of: str | None
    status: str
    sources: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    target: dict | None = None
    partial: bool = False
    children: int = 0
    lat: float | None = None
    lon: float | None = None

    def as_dict(self) -> dict:
        value = int(self.value) if self.value is not None and float(self.value).is_integer() else self.value
        out = {"model": self.model, "model_id": self.model_id, "scope": self.scope, "province": self.province,
               "unit": self.unit, "value": value, "as_of": self.as_of, "status": self.status,
               "sources": self.sources, "history": self.history, "target": self.target}
        if self.partial:
            out.update(partial=True, children=self.children)
        return out


@lru_cache(maxsize=65_536)
def unit_key(unit: str) -> str:
    """ "Tổ liên gia", "tổ liên gia" and "các tổ liên gia" are one unit; "xã, thị trấn" stays itself."""
    text = squeeze(unit).lower()
    for lead in ("các ", "những "):
        if text.startswith(lead):
            text = text[len(lead):]
    return fold(text)


def is_place_unit(unit: str) -> bool:
    head = squeeze(unit).lower()
    return any(head == u or head.startswith(u + " ") or head.startswith(u + ",") for u in PLACE_UNITS)


def time_key(as_of: str | None) -> str:
    """Sort key: a year or a month stands for its end ("2023" is after "2023-06-15")."""
    if not as_of:
        return ""
    parts = as_of.split("-")
    return "-".join(parts + ["99"] * (3 - len(parts)))


def scope_key(fact: Fact) -> str:
    if not fact.place:
        return ""
    return fold(f"{fact.place}|{fact.province or ''}")


def build(facts: list[Fact]) -> list[Row]:
    """The whole table: stated rows first, then partial sums for parents nobody states."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.model_id, scope_key(fact), unit_key(fact.unit))].append(fact)
    rows = [_row(key, _merge_copies(items)) for key, items in groups.items()]
    rows += _partial_sums([r for r in rows if r.status == ACHIEVED])
    return sorted(rows, key=lambda r: (r.model, r.province or "", r.scope or "", r.unit))


@dataclass
class _Statement:
    """One fact stated by one or more sources (rule 3)."""
    value: float
    status: str
    as_of: str | None
    facts: list[Fact]

    @property
    def order(self) -> tuple:
        latest = max(self.facts, key=lambda f: (f.published or "", f.kind == "directive"))
        return (time_key(self.as_of), latest.published or "", latest.kind == "directive")


def _merge_copies(facts: list[Fact]) -> list[_Statement]:
    """Rule 3: the same value and status stated by copies of one document (a headline and its
    body, a .txt and its .html, reposts) or at the same time by anyone is one statement."""
    merged: dict[tuple, _Statement] = {}
    for fact in sorted(facts, key=lambda f: (-len(f.as_of or ""), f.document_id, f.start or 0)):
        same_time = (fact.value, fact.status, fact.as_of)
        same_copy = (fact.value, fact.status, "cluster", fact.cluster)
        statement = merged.get(same_time) or merged.get(same_copy)
        if statement is None:
            statement = _Statement(fact.value, fact.status, fact.as_of, [])
            merged[same_time] = statement
        merged.setdefault(same_copy, statement)
        statement.facts.append(fact)
    unique = {id(s): s for s in merged.values()}
    return sorted(unique.values(), key=lambda s: s.order)


def _row(key: tuple, statements: list[_Statement]) -> Row:
    first = statements[0].facts[0]
    achieved = [s for s in statements if s.status == ACHIEVED]
    targets = [s for s in statements if s.status == TARGET]
    increases = [s for s in statements if s.status == INCREASE]
    main = achieved[-1] if achieved else (targets or increases)[-1]
    row = Row(first.model_id, first.model, first.place, key[1], first.level, first.province, first.district,
              _display_unit(statements), main.value, main.as_of, main.status, _sources(main),
              lat=first.lat, lon=first.lon)
    row.history = [_version(s) for s in statements if s is not main and s.status != TARGET]
    if targets and main.status != TARGET:
        row.target = _version(targets[-1])
    elif main.status == TARGET and len(targets) > 1:
        row.history += [_version(s) for s in targets[:-1]]
    row.history.sort(key=lambda v: time_key(v["as_of"]))
    return row


def _display_unit(statements: list[_Statement]) -> str:
    units = [squeeze(f.unit) for s in statements for f in s.facts]
    return max(set(units), key=units.count)


def _sources(statement: _Statement) -> list[dict]:
    seen, out = set(), []
    for fact in statement.facts:
        if (fact.document_id, fact.start) in seen:
            continue
        seen.add((fact.document_id, fact.start))
        out.append({"document": fact.document_id, "source": fact.source, "sentence": fact.sentence,
                    "fact": fact.id, "start": fact.start, "published": fact.published, "number": fact.number})
    return out


def _version(statement: _Statement) -> dict:
    fact = statement.facts[0]
    value = int(statement.value) if float(statement.value).is_integer() else statement.value
    return {"value": value, "as_of": statement.as_of, "status": statement.status, "document": fact.document_id,
            "sources": len({f.document_id for f in statement.facts})}


def _partial_sums(rows: list[Row]) -> list[Row]:
    """Rule 5: a parent (province, district) with no stated figure for a model and unit may show
    the sum of its children's latest achieved counts, marked as a sum over n places."""
    stated = {(r.model_id, fold(r.scope or ""), unit_key(r.unit)) for r in rows}
    children: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        for parent in _parents(row):
            children[(row.model_id, parent, unit_key(row.unit))].append(row)
    sums = []
    for (model_id, parent, ukey), kids in children.items():
        if (model_id, fold(parent), ukey) in stated:
            continue  # never mixed with a stated figure
        if len(kids) < 2:
            continue
        first = kids[0]
        is_district = bool(first.district) and fold(parent) == fold(first.district)
        level = parent.split()[0] if not parent.startswith(("thành phố", "thị xã")) else " ".join(parent.split()[:2])
        row = Row(model_id, first.model, parent, fold(parent), level, first.province,
                  parent if is_district else None, first.unit,
                  sum(k.value for k in kids), max((k.as_of for k in kids if k.as_of), key=time_key, default=None),
                  ACHIEVED, [s for k in kids for s in k.sources], partial=True, children=len(kids))
        sums.append(row)
    return sums


DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")
COMMUNE_LEVELS = ("xã", "phường", "thị trấn")


def _parents(row: Row) -> list[str]:
    """The areas a row's count may be added into: a commune into its district, a district into its
    province. Villages and rows of unknown level are never added: nobody can tell what they overlap."""
    if not row.scope:
        return []
    level = (row.level or "").lower()
    if level in COMMUNE_LEVELS and row.district and fold(row.district) != fold(row.scope):
        return [row.district]
    if level in DISTRICT_LEVELS and row.province and fold(row.scope) != fold(province_label(row.province) or ""):
        return [province_label(row.province)]
    return []


def province_label(province: str | None) -> str | None:
    if not province:
        return None
    return f"thành phố {province}" if fold(province) in _MUNICIPALITIES else f"tỉnh {province}"


_MUNICIPALITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}
