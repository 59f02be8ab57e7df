"""What a query typed in the one search box asks for: document numbers, words, quoted phrases."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.docrefs import SYMBOL, type_codes
from nlp.normalize import fold, nfc, number_key
from search_engine.analysis import chunks, fold_chars, pairs
from search_engine.numbers import ABBREVIATIONS, TYPE_WORDS, parts
from search_engine.snippets import highlight_terms

_YEAR_NUMBER = re.compile(r"(?<![\w/])(\d{1,5})\s*/\s*((?:19|20)\d{2})(?![\w/])")
_CODE_NUMBER = re.compile(r"(?<!\w)([A-Za-zĐđ]{2,4})\s*(?:số\s*)?(\d{1,5})(?!\w)", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
# "chỉ thị 09", "chi thi so 9", "Nghị định 111/2013": a type word, an optional "số", a serial, a year.
_TYPED = re.compile(r"(?<!\w)(" + "|".join(sorted((w.replace(" ", r"\s+") for w in TYPE_WORDS), key=len, reverse=True))
                    + r")\s+(?:so\s*:?\s*)?(\d{1,5})(?:\s*/\s*((?:19|20)\d{2}))?(?![\w/])")
# "KH-CAT-PV05", "CT/TW": a series written without its serial.
_SERIES = re.compile(r"(?<![\w/-])([A-Z]{1,6}\d*(?:\s?[-/]\s?[A-Z]{1,6}\d*)+)(?![\w/-])")
_BARE = re.compile(r"(?<![\w/.,-])(\d{1,5})(?![\w/.,-])")


@dataclass
class Words:
    """One run of syllables: as typed (normalized) and folded."""

    accented: list[str]
    folded: list[str]
    phrase: bool = False


@dataclass
class NumberQuery:
    """One number asked for. Documents whose own number has every term in `terms` rank first,
    then documents citing it; `nearby` (the same serial of another type) ranks below both;
    a bare serial also matches the digits in plain text, below all numbers."""

    terms: list[str]
    label: str
    nearby: list[str] = field(default_factory=list)
    bare: str | None = None


@dataclass
class ParsedQuery:
    numbers: list[NumberQuery] = field(default_factory=list)
    runs: list[Words] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.numbers and not self.runs

    @property
    def number_terms(self) -> set[str]:
        return {t for n in self.numbers for t in n.terms}

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


def _take_numbers(text: str, numbers: list[NumberQuery]) -> str:
    """Number forms out of the text, most specific first; what remains is words."""
    upper = text.upper()
    cut = []
    for m in SYMBOL.finditer(upper):
        serial, year, letters = parts(m.group())
        numbers.append(NumberQuery(["|".join([str(serial)] + ([year] if year else []) + letters)], m.group()))
        cut.append((m.start(), m.end()))
    text = _blank(text, cut)
    folded = fold_chars(text).lower()  # one character for one: offsets stay valid
    for m in reversed(list(_TYPED.finditer(folded))):
        code = TYPE_WORDS[" ".join(m.group(1).split())]
        serial = int(m.group(2))
        terms = [f"{code}{serial}"] + ([f"{serial}/{m.group(3)}"] if m.group(3) else [])
        numbers.append(NumberQuery(terms, text[m.start():m.end()], nearby=[f"#{serial}"]))
        text = text[:m.start()] + " " + text[m.end():]
        folded = folded[:m.start()] + " " + folded[m.end():]
    for m in reversed(list(_YEAR_NUMBER.finditer(text))):
        numbers.append(NumberQuery([f"{int(m.group(1))}/{m.group(2)}"], m.group()))
        text = text[:m.start()] + " " + text[m.end():]
    for m in reversed(list(_CODE_NUMBER.finditer(text))):
        code = fold(m.group(1)).upper()
        if code in ABBREVIATIONS or code in _codes():
            numbers.append(NumberQuery([f"{code}{int(m.group(2))}"], m.group(), nearby=[f"#{int(m.group(2))}"]))
            text = text[:m.start()] + " " + text[m.end():]
    text = _take_series(text, numbers)
    for m in reversed(list(_BARE.finditer(text))):
        if not _looks_like_year(m.group(1)):
            numbers.append(NumberQuery([f"#{int(m.group(1))}"], m.group(1), bare=m.group(1)))
            text = text[:m.start()] + " " + text[m.end():]
    return text


def _take_series(text: str, numbers: list[NumberQuery]) -> str:
    """ "KH-CAT-PV05": every number of that series, whatever its serial."""
    upper = fold_chars(text).upper()
    for m in reversed(list(_SERIES.finditer(upper))):
        letters = [p for p in re.split(r"\s?[-/]\s?", m.group(1))]
        if re.match(r"[A-Z]+", letters[0]).group() not in _codes() | ABBREVIATIONS:
            continue  # "HIV/AIDS" is no document series
        numbers.append(NumberQuery(["S:" + "|".join(letters)], text[m.start():m.end()]))
        text = text[:m.start()] + " " + text[m.end():]
    return text


def _looks_like_year(digits: str) -> bool:
    return len(digits) == 4 and 1945 <= int(digits) <= 2035


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def run_pairs(run: Words) -> list[str]:
    return pairs(run.folded)


__all__ = ["NumberQuery", "ParsedQuery", "Words", "parse", "run_pairs"]
