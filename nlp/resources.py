"""Rule data shipped in nlp/data: word lists and two-column tables, '#' starts a comment."""
from __future__ import annotations

from importlib import resources


def _lines(name: str) -> list[str]:
    data = resources.files("nlp").joinpath("data", name).read_text("utf-8")
    return [line for line in data.splitlines() if line.strip() and not line.startswith("#")]


def read_list(name: str) -> list[str]:
    return [line.strip() for line in _lines(name)]


def read_table(name: str) -> dict[str, str]:
    table = {}
    for line in _lines(name):
        key, _, value = line.partition("\t")
        table[key.strip()] = value.strip()
    return table
