"""Spelling suggestions from the index's own words, nearest edit distance first, then most frequent.

Accented input is corrected against words as written ("kẻnh" -> "kẻng"), plain
input against folded words ("camra" -> "camera")."""
from __future__ import annotations

from nlp.normalize import fold
from search_engine.analysis import has_diacritics, is_pair, normalize

MAX_DISTANCE = 2


def _field(word: str) -> str:
    return "text_a" if has_diacritics(word) else "text_f"


def is_known(searcher, word: str) -> bool:
    word = normalize(word)
    return searcher.reader().doc_frequency(_field(word), word) > 0


def suggest_word(searcher, word: str, limit: int = 3) -> list[str]:
    word = normalize(word)
    if len(word) < 3 or not word.isalpha():
        return []
    reader = searcher.reader()
    fieldname = _field(word)
    for distance in range(1, MAX_DISTANCE + 1):
        candidates = [term for term in reader.terms_within(fieldname, word, distance, prefix=1)
                      if not is_pair(term) and term != word]
        if candidates:
            ranked = sorted(candidates, key=lambda t: (-reader.doc_frequency(fieldname, t), t))
            return ranked[:limit]
    return []


def suggest_query(searcher, text: str, zero_hits: bool = False) -> str | None:
    """The query with unknown words replaced, or None when every word is known.

    Among close words the one most often found beside the query's neighbouring
    words wins ("tiếng kẻnh" -> "tiếng kẻng", not "tiếng kênh"). When the query
    found nothing (zero_hits), known words are replaced too if a close word sits
    beside its neighbours ("tieng kenh" -> "tieng keng")."""
    words = normalize(text).split()
    reader = searcher.reader()
    changed = False
    for i, word in enumerate(words):
        if not word.isalpha():
            continue
        known = is_known(searcher, word)
        if known and not (zero_hits and len(words) > 1):
            continue
        fieldname = _field(word)
        candidates = suggest_word(searcher, word, limit=8)
        if not candidates:
            continue
        best = max(candidates, key=lambda c: _context_score(reader, fieldname, c, words, i))
        if known and _context_score(reader, fieldname, best, words, i)[0] <= _context_score(
                reader, fieldname, word, words, i)[0]:
            continue
        words[i] = best
        changed = True
    return " ".join(words) if changed else None


def _context_score(reader, fieldname: str, candidate: str, words: list[str], i: int) -> tuple:
    """(documents with the candidate beside its neighbours, documents with the candidate); pairs are folded."""
    together = 0
    if i > 0:
        together += reader.doc_frequency("text_f", f"{fold(words[i - 1])}_{fold(candidate)}")
    if i + 1 < len(words):
        together += reader.doc_frequency("text_f", f"{fold(candidate)}_{fold(words[i + 1])}")
    return together, reader.doc_frequency(fieldname, candidate)
