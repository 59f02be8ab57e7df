"""Vietnam's administrative units, before and after the 2025 reorganization,
read from the dataset that the vietnamadminunits package ships (loaded on first use)."""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nlp.normalize import fold, unify_tones

MUNICIPALITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


@dataclass(frozen=True)
class Unit:
    name: str
    level: str
    province: str
    district: str | None
    lat: float | None
    lon: float | None


class Gazetteer:
    """Look-ups by level and accent-free name; levels are grouped as the
    texts use them: province (tỉnh/thành phố), district, commune."""

    def __init__(self, rows: list[dict]):
        self.provinces: dict[str, list[Unit]] = defaultdict(list)
        self.districts: dict[str, list[Unit]] = defaultdict(list)
        self.communes: dict[str, list[Unit]] = defaultdict(list)
        seen = set()
        for row in rows:
            self._add(row, seen)

    def _add(self, row: dict, seen: set) -> None:
        province = row["provinceShort"]
        units = [(self.provinces, Unit(province, "tỉnh", province, None, row["provinceLat"], row["provinceLon"]))]
        if row.get("districtShort"):
            units.append((self.districts, Unit(row["districtShort"], (row["districtType"] or "").lower(), province,
                                               row["districtShort"], row["districtLat"], row["districtLon"])))
        if row.get("wardShort"):
            units.append((self.communes, Unit(row["wardShort"], (row["wardType"] or "").lower(), province,
                                              row.get("districtShort"), row["wardLat"], row["wardLon"])))
        for table, unit in units:
            marker = (id(table), unit.name, unit.level, unit.province, unit.district)
            if marker not in seen:
                seen.add(marker)
                table[key(unit.name)].append(unit)

    def table_for(self, level: str) -> dict[str, list[Unit]] | None:
        level = level.lower()
        if level == "tỉnh":
            return self.provinces
        if level in {"huyện", "quận", "thị xã"}:
            return self.districts
        if level in {"xã", "phường", "thị trấn"}:
            return self.communes
        if level == "thành phố":
            return None  # a province-level city or a district-level one: see lookup()
        return None

    def lookup(self, level: str, name: str) -> list[Unit]:
        k = key(name)
        if level.lower() == "thành phố":
            return self.provinces.get(k, []) + [u for u in self.districts.get(k, []) if u.level == "thành phố"]
        table = self.table_for(level)
        return list(table.get(k, [])) if table is not None else []

    def knows(self, level: str, name: str) -> bool:
        return bool(self.lookup(level, name))

    def near_misses(self, level: str, name: str, districts: set[str]) -> list[Unit]:
        """Units of the districts a text names that the written name only glues a letter to
        ("Lê Hóav à" for "Lê Hóa và"); older names missing from the data are left as written."""
        table = self.table_for(level)
        if table is None or not districts:
            return []
        return [u for u in table.get(key(name)[:-1], []) if u.district in districts and u.level == level]

    def province_names(self) -> set[str]:
        return {u.name for units in self.provinces.values() for u in units}


@lru_cache(maxsize=65536)  # every place a text names is looked up again and again
def key(name: str) -> str:
    return " ".join(fold(unify_tones(name)).replace("-", " ").split())


def _rows() -> list[dict]:
    path = resources.files("vietnamadminunits").joinpath("data/dataset.db")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        legacy = conn.execute(
            "SELECT provinceShort, provinceLat, provinceLon, districtShort, districtType, districtLat, districtLon, "
            "wardShort, wardType, wardLat, wardLon FROM admin_units_legacy").fetchall()
        current = conn.execute(
            "SELECT provinceShort, provinceLat, provinceLon, NULL AS districtShort, NULL AS districtType, "
            "NULL AS districtLat, NULL AS districtLon, wardShort, wardType, wardLat, wardLon FROM admin_units").fetchall()
    return [dict(r) for r in legacy + current]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer(_rows())
