"""Highlighted snippets: the passage with most query words, words marked accent-insensitively."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from nlp.normalize import nfc
from search_engine.analysis import fold_chars

WIDTH = 240
MAX_SPANS = 60  # enough to place the window well; a common word can match hundreds of times a text


def highlight_terms(runs: list[list[str]]) -> set[str]:
    """What to mark for runs of folded query words: every stretch of two or more
    neighbouring words, and single words only when they stand alone or are long
    (marking every "an" of "Công an" for "camera an ninh" is noise)."""
    terms = set()
    for run in runs:
        if len(run) == 1:
            terms.add(run[0])
            continue
        terms |= {" ".join(run[i:j]) for i in range(len(run)) for j in range(i + 2, len(run) + 1)}
        terms |= {w for w in run if len(w) >= 4}
    return terms


def snippet(text: str, words: set[str], numbers: list[str] = ()) -> str:
    """HTML: an escaped passage of text with the words or word sequences (folded) and numbers marked."""
    text = nfc(text)
    if not words:  # a number query: fold only the passage around the number, not the whole text
        found = [p for p in (text.find(n) for n in numbers if n) if p >= 0]
        if not found:
            return str(escape(_cut(text, 0, WIDTH)))
        offset = max(0, min(found) - WIDTH)
        text = text[offset:min(found) + 2 * WIDTH]
        return ("… " if offset else "") + snippet(text, {"\x00"}, numbers).removeprefix("… ")
    spans = _spans(text, words, numbers)
    if not spans:
        return str(escape(_cut(text, 0, WIDTH)))
    start = _best_window(spans)
    end = min(len(text), start + WIDTH)
    start, end = _word_bounds(text, start, end)
    pieces, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        pieces.append(escape(text[cursor:s]))
        pieces.append(Markup('<mark class="hl t">') + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + str(Markup("").join(pieces)) + suffix


def _spans(text: str, words: set[str], numbers: list[str]) -> list[tuple[int, int]]:
    # Query words in any accented form; the document's own numbers as the document spells them.
    alternatives = sorted([(w, True) for w in words if w] + [(n, False) for n in set(numbers) if n],
                          key=lambda a: len(a[0]), reverse=True)
    if not alternatives:
        return []
    pattern = _pattern(tuple(alternatives))
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if m.start() and _is_word_char(text[m.start() - 1]):
            continue  # inside a word: checked here, since a leading look-behind makes the scan 4x slower
        if spans and text[spans[-1][1]:m.start()].isspace():  # "Camera an ninh" is one mark
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append(m.span())
        if len(spans) >= MAX_SPANS:
            break
    return spans


@lru_cache(maxsize=512)
def _pattern(alternatives: tuple[tuple[str, bool], ...]) -> re.Pattern:
    """(text, folded) alternatives matched in the text as written: a folded word's letters stand
    for all their accented forms, so the text is searched as it is instead of folded first (a copy
    per hit); a number is matched as it is written."""
    return re.compile(r"(?:" + "|".join(_any_form(a) if folded else _literal(a) for a, folded in alternatives)
                      + r")(?!\w)", re.IGNORECASE)


def _literal(text: str) -> str:
    return r"\s+".join(re.escape(part) for part in text.split())


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _any_form(folded: str) -> str:
    forms = _forms()
    return "".join(r"\s+" if ch == " " else (forms.get(ch) or re.escape(ch)) for ch in folded)


# The letters of Vietnamese that carry diacritics; other letters only differ by case.
VIETNAMESE_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    """Folded letter -> a character class of it and its Vietnamese accented forms (the pattern
    ignores case). Small classes: a pattern is compiled per query and per number shown."""
    groups: dict[str, set[str]] = {}
    for char in VIETNAMESE_MARKED:
        groups.setdefault(fold_chars(char), set()).add(char)
    return {f: "[" + f + "".join(sorted(chars)) + "]" for f, chars in groups.items()}


def _best_window(spans: list[tuple[int, int]]) -> int:
    """Start of the window of WIDTH characters holding most matches, a little before the first."""
    best, best_count = spans[0][0], 0
    right = 0
    for left, (start, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] <= start + WIDTH - 40:
            right += 1
        if right - left > best_count:
            best, best_count = start, right - left
    return max(0, best - 40)


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + WIDTH // 2 else end
    return start, end


def _cut(text: str, start: int, end: int) -> str:
    piece = text[start:end]
    return piece + (" …" if end < len(text) else "")
