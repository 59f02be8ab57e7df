"""How the baselines of bench/search.py (FTS5, tantivy) read a query: one parse, each engine's
own syntax. Standard library only: bench_tantivy.py runs in an interpreter without policekb."""
from __future__ import annotations

import re


def query_parts(text: str) -> tuple[str, list[str]]:
    """("number", its tokens) for "245/KH-CAT" or "KH 245"; ("phrase", words) for a quoted phrase;
    ("words", words) otherwise."""
    number = re.fullmatch(r"\s*(\d+)\s*/\s*([\w-]+)\s*", text)
    if number:  # a document number: its tokens as a phrase over the numbers
        return "number", [number.group(1)] + re.findall(r"\w+", number.group(2))
    code = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d+)\s*", text)
    if code:
        return "number", [code.group(2), code.group(1)]
    phrase = re.fullmatch(r'\s*"(.+)"\s*', text)
    if phrase:
        return "phrase", re.findall(r"\w+", phrase.group(1))
    return "words", re.findall(r"\w+", text)
