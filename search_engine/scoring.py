"""Matching, BM25 scoring, filters, ranking and facet counts as numpy array operations."""
from __future__ import annotations

import math
import re

import numpy as np

from search_engine.postings import DocTable
from search_engine.query import ParsedQuery, run_pairs

K1, B = 1.2, 0.75
TITLE_WEIGHT = 2.0      # a word in the title counts twice
EXACT_WEIGHT = 1.5      # the accented form as typed, on top of the folded match
PAIR_WEIGHT = 1.0       # neighbouring query words found side by side
NO_GROUPS: dict = {}   # a facet whose values are not grouped (one object, so cached labels stay valid)
OWN_NUMBER_SCORE = 1000.0
CITED_NUMBER_SCORE = 100.0


NEARBY_OWN_SCORE = 10.0    # the same serial of another type: below every number of the type asked for
NEARBY_CITED_SCORE = 5.0


def match(reader, table: DocTable, query: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
    """(which documents match, their scores): numbers select, words and phrases must all occur."""
    scores = np.zeros(table.size, np.float32)
    if query.empty:
        return table.live.copy(), scores
    mask = table.live.copy()
    for number in query.numbers:
        mask &= _score_number(reader, table, number, scores)
    words_mask = np.ones(table.size, bool)
    for run in query.runs:
        for accented, folded in zip(run.accented, run.folded):
            words_mask &= _score_word(table, accented, folded, scores)
        words_mask &= _score_pairs(table, run, scores)
    if query.runs and not (query.numbers and not words_mask[mask].any()):
        mask &= words_mask  # with numbers, words only narrow when some numbered document has them
    return mask, scores


def _score_number(reader, table: DocTable, number, scores: np.ndarray) -> np.ndarray:
    """The document that is the number first, then those citing it, then the same serial of
    another type, then (for a bare serial) the digits in plain text."""
    cited = _having_all(reader, table, "number_terms", number.terms)
    own = _having_all(reader, table, "own_number_terms", number.terms)
    scores[cited] += CITED_NUMBER_SCORE
    scores[own] += OWN_NUMBER_SCORE
    found = cited.copy()
    for term in number.nearby:
        near_cited = _having_all(reader, table, "number_terms", [term]) & ~cited
        near_own = _having_all(reader, table, "own_number_terms", [term]) & ~cited
        scores[near_cited] += NEARBY_CITED_SCORE
        scores[near_own] += NEARBY_OWN_SCORE
        found |= near_cited
    if number.bare:
        found |= _add_bm25(table, "text_f", number.bare, 1.0, scores)
        found |= _add_bm25(table, "title_f", number.bare, TITLE_WEIGHT, scores)
    return found


def _having_all(reader, table: DocTable, fieldname: str, terms: list[str]) -> np.ndarray:
    mask = np.ones(table.size, bool)
    for term in terms:
        ids, _ = table.terms.postings(fieldname, term)
        has = np.zeros(table.size, bool)
        has[ids] = True
        mask &= has
    return mask


def _score_word(table: DocTable, accented: str, folded: str, scores: np.ndarray) -> np.ndarray:
    found = np.zeros(table.size, bool)
    for fieldname, weight in (("text_f", 1.0), ("title_f", TITLE_WEIGHT)):
        found |= _add_bm25(table, fieldname, folded, weight, scores)
    if accented != folded:
        for fieldname, weight in (("text_a", EXACT_WEIGHT), ("title_a", EXACT_WEIGHT * TITLE_WEIGHT)):
            _add_bm25(table, fieldname, accented, weight, scores)
    return found


def _score_pairs(table: DocTable, run, scores: np.ndarray) -> np.ndarray:
    """Phrases must have every pair of neighbouring syllables; other runs only score for them."""
    required = np.ones(table.size, bool)
    for folded in run_pairs(run):
        found = np.zeros(table.size, bool)
        for fieldname, weight in (("text_f", PAIR_WEIGHT), ("title_f", PAIR_WEIGHT * TITLE_WEIGHT)):
            found |= _add_bm25(table, fieldname, folded, weight, scores)
        if run.phrase:
            required &= found
    return required


def _add_bm25(table: DocTable, fieldname: str, term: str, weight: float, scores: np.ndarray) -> np.ndarray:
    ids, tfs = table.postings.get(fieldname, term, table.terms)
    found = np.zeros(table.size, bool)
    if ids.size == 0:
        return found
    found[ids] = True
    idf = math.log(1 + (table.live_count - ids.size + 0.5) / (ids.size + 0.5))
    # BM25's length part, K1 * (1 - B + B * length / average), worked out once per index generation
    norms = _length_norms(table)[ids] if fieldname.startswith("text") else K1  # titles: length 1 = average
    scores[ids] += (weight * idf * (K1 + 1)) * tfs / (tfs + norms)
    return found


def _length_norms(table: DocTable) -> np.ndarray:
    norms = table.__dict__.get("_bm25_norms")
    if norms is None:
        norms = table.__dict__["_bm25_norms"] = (K1 * (1 - B + B * table.lengths / table.average_length)).astype(
            np.float32)
    return norms


def filter_mask(table: DocTable, filters: dict, groups: dict) -> np.ndarray:
    mask = np.ones(table.size, bool)
    for name, facet in table.facets.items():
        value = filters.get(name)
        if value:
            members = {raw for raw, group in groups.get(name, NO_GROUPS).items() if group == value} | {value}
            mask &= _has_value(facet, members, table.size)
    if filters.get("year"):
        year = int(filters["year"]) if str(filters["year"]).isdigit() else -1
        mask &= table.dates // 10000 == year
    low, high = date_bound(filters.get("from"), False), date_bound(filters.get("to"), True)
    if low or high:
        mask &= (table.dates >= (low or 1)) & (table.dates <= (high or 99991231))
    return mask


def _has_value(facet, members: set[str], size: int) -> np.ndarray:
    codes = facet.codes_for(members)
    selected = np.isin(facet.code, codes)
    mask = np.zeros(size, bool)
    mask[facet.doc[selected]] = True
    return mask


def date_bound(value: str | None, upper: bool) -> int:
    """"2023", "2023-05" or "2023-05-16" as yyyymmdd, the range's first or last day."""
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*", value or "")
    if not m:
        return 0
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    month = int(month) if month else (12 if upper else 1)
    day = int(day) if day else (31 if upper else 1)
    return year * 10000 + month * 100 + day


def ranked(mask: np.ndarray, scores: np.ndarray, dates: np.ndarray, sort: str, offset: int, count: int) -> np.ndarray:
    """Document numbers of one page: by score (newest first on ties) or by date (best first on ties)."""
    docs = mask.nonzero()[0]
    if docs.size == 0:
        return docs
    primary, secondary = (dates[docs], scores[docs]) if sort == "date" else (scores[docs], dates[docs])
    wanted = offset + count
    if docs.size > 4 * wanted:  # only the best few need a full sort
        top = np.argpartition(-(primary.astype(np.float64)), wanted - 1)[:wanted]
        cutoff = primary[top].min()
        keep = primary >= cutoff
        docs, primary, secondary = docs[keep], primary[keep], secondary[keep]
    order = np.lexsort((docs, -secondary, -primary))
    return docs[order][offset:offset + count]


def one_per_cluster(mask: np.ndarray, scores: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Of the matched documents of one copy cluster, keep the best scored (then the lowest number)."""
    docs = mask.nonzero()[0]
    if docs.size == 0:
        return mask
    order = np.lexsort((docs, -scores[docs], clusters[docs]))
    ranked_docs = docs[order]
    first = np.ones(ranked_docs.size, bool)
    first[1:] = clusters[ranked_docs][1:] != clusters[ranked_docs][:-1]
    kept = np.zeros_like(mask)
    kept[ranked_docs[first]] = True
    return kept


def facet_counts(table: DocTable, mask: np.ndarray, names, groups: dict) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name in names:
        if name == "year":
            years = table.dates[mask] // 10000
            values, counts = np.unique(years[years > 0], return_counts=True)
            out[name] = _sorted_counts((str(v), int(c)) for v, c in zip(values, counts))
            continue
        facet = table.facets[name]
        out[name] = _facet_values(facet, mask, groups.get(name, NO_GROUPS))
    return out


def _facet_values(facet, mask: np.ndarray, group_of: dict) -> list[tuple[str, int]]:
    selected = mask[facet.doc] & (facet.code >= 0)
    docs, codes = facet.doc[selected], facet.code[selected]
    label_code, names = _labels(facet, group_of)
    if codes.size == 0:
        return []
    grouped = label_code[codes]
    pairs = np.unique(docs * len(names) + grouped)  # a document counts once per group
    counts = np.bincount(pairs % len(names), minlength=len(names))
    return _sorted_counts((names[i], int(c)) for i, c in enumerate(counts) if c)


def _labels(facet, group_of: dict) -> tuple[np.ndarray, list[str]]:
    """Each facet value's group (its position among the sorted group names), worked out once per
    index generation and grouping rather than per request."""
    cached = getattr(facet, "_labels", None)
    if cached is not None and cached[0] is group_of:
        return cached[1], cached[2]
    labels = [group_of.get(v, v) for v in facet.values]
    names = sorted(set(labels))
    position = {name: i for i, name in enumerate(names)}
    label_code = np.array([position[label] for label in labels] or [0], np.int64)
    facet._labels = (group_of, label_code, names)
    return label_code, names


def _sorted_counts(items) -> list[tuple[str, int]]:
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))
