"""What a query typed in the one search box asks for: document numbers, words, quoted phrases."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.docrefs import SYMBOL, type_codes
from nlp.normalize import fold, nfc, number_key
from search_app.analysis import chunks, pairs
from search_app.snippets import highlight_terms

_YEAR_NUMBER = re.compile(r"(?<![\w/])(\d{1,5})\s*/\s*((?:19|20)\d{2})(?![\w/])")
_CODE_NUMBER = re.compile(r"(?<!\w)([A-Za-zĐđ]{2,4})\s*(\d{1,5})(?!\w)")
_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


@dataclass
class Words:
    """One run of syllables: as typed (normalized) and folded."""

    accented: list[str]
    folded: list[str]
    phrase: bool = False


@dataclass
class ParsedQuery:
    numbers: list[str] = field(default_factory=list)   # number terms, any of which selects a document
    runs: list[Words] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.numbers and not self.runs

    def highlight_words(self) -> set[str]:
        return highlight_terms([run.folded for run in self.runs])


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(fold(c).upper() for c in type_codes())


def parse(text: str) -> ParsedQuery:
    text = nfc(text or "").strip()
    query = ParsedQuery()
    text = _take_numbers(text, query.numbers)
    for index, part in enumerate(_QUOTED.split(text)):
        for words in chunks(part):
            query.runs.append(Words(words, [fold(w) for w in words], phrase=index % 2 == 1))
    return query


def _take_numbers(text: str, numbers: list[str]) -> str:
    """Number terms out of the text; what remains is words."""
    upper = text.upper()
    cut = []
    for m in SYMBOL.finditer(upper):
        numbers.append(number_key(m.group()))
        cut.append((m.start(), m.end()))
    text = _blank(text, cut)
    for m in list(_YEAR_NUMBER.finditer(text)):
        numbers.append(f"{int(m.group(1))}/{m.group(2)}")
    text = _YEAR_NUMBER.sub(" ", text)
    for m in list(_CODE_NUMBER.finditer(text)):
        code = fold(m.group(1)).upper()
        if code in _codes():
            numbers.append(f"{code}{int(m.group(2))}")
            text = text.replace(m.group(), " ", 1)
    return text


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def run_pairs(run: Words) -> list[str]:
    return pairs(run.folded)


__all__ = ["ParsedQuery", "Words", "parse", "run_pairs"]
