"""How document numbers are found: the index terms a number is stored under, and the
number forms staff type ("chỉ thị 09", "KH 245", "245", "09/CT-TW", "KH-CAT-PV05").

A symbol is read as its parts: the serial without leading zeros, the year, and its letter
groups, whatever separates them, so the Party form "09-CT/TW", the State form "09/CT-TW"
and "9-CT/TW" are one number."""
from __future__ import annotations

import re
from functools import lru_cache

from nlp.normalize import fold, number_key

# Type words staff type, folded, with the code used in the index (a code from the symbol, or
# from the type word the text gives: "Công văn số 558/BCĐ-CAH" is a CV).
TYPE_WORDS = {"chi thi": "CT", "ke hoach": "KH", "nghi dinh": "ND", "thong tu": "TT", "quyet dinh": "QD",
              "cong van": "CV", "huong dan": "HD", "nghi quyet": "NQ", "thong bao": "TB", "bao cao": "BC",
              "luat": "LUAT", "ket luan": "KL", "chuong trinh": "CTR", "phuong an": "PA", "de an": "DA",
              "cong dien": "CD", "quy dinh": "QDI", "quy che": "QC"}
ABBREVIATIONS = {"CT", "KH", "ND", "TT", "QD", "CV", "HD", "NQ", "TB", "BC", "KL", "CTR", "PA", "DA", "CD"}
_PART = re.compile(r"\d+|[A-Z]+\d*")


def parts(number: str) -> tuple[int | None, str | None, list[str]]:
    """(serial, year, letter groups) of a symbol: "111/2013/NĐ-CP" -> (111, "2013", ["ND", "CP"])."""
    pieces = _PART.findall(fold(number_key(number)).upper())
    serial = int(pieces[0]) if pieces and pieces[0].isdigit() else None
    rest = pieces[1:] if serial is not None else pieces
    year = rest[0] if rest and re.fullmatch(r"(?:19|20)\d{2}", rest[0]) else None
    letters = [p for p in rest[1 if year else 0:] if not p.isdigit()]
    return serial, year, letters


def type_code(type_word: str | None) -> str | None:
    return TYPE_WORDS.get(fold(type_word or "").strip()) if type_word else None


def number_terms(number: str, type_word: str | None = None) -> frozenset[str]:
    return _number_terms(number, type_word)


@lru_cache(maxsize=8192)  # every hit of a results page asks again for the numbers it shows
def _number_terms(number: str, type_word: str | None) -> frozenset[str]:
    """Keys a number is found by: its whole symbol; every prefix of its parts ("245|KH|CAT"); its
    series ("S:KH|CAT|PV05"); "111/2013"; the type code and serial ("KH245", "CV558"); the bare serial ("#245")."""
    key = number_key(number)
    terms = {key}
    serial, year, letters = parts(number)
    if serial is None:
        return frozenset(terms)
    terms.add(f"#{serial}")
    head = [str(serial)] + ([year] if year else [])
    for i in range(1, len(letters) + 1):
        terms.add("|".join(head + letters[:i]))
        if i >= 2:
            terms.add("S:" + "|".join(letters[:i]))
    if year:
        terms.add(f"{serial}/{year}")
    if letters:
        lead = re.match(r"[A-Z]+", letters[0]).group()
        terms.add(f"{lead}{serial}")  # "KH 953", "BCD 558"
        if lead == "QH":
            terms.add(f"LUAT{serial}")
    code = type_code(type_word)
    if code:
        terms.add(f"{code}{serial}")
    return frozenset(terms)

