"""The engine reads Whoosh's block format through private attributes, so the version is pinned and
checked: the array matcher must select exactly what Whoosh's own searcher selects for the equivalent
query, over a generated corpus and a few hundred random queries of every class; an index written
by another format version is refused with a message saying what to run."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from whoosh import query as wq

from nlp.normalize import fold
from search_engine.engine import FORMAT_FILE, IndexOutdated, SearchEngine
from search_engine.query import parse
from search_engine.scoring import date_bound

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from corpus_gen import CODES, PROVINCES, SYLLABLES, directive_number, documents  # noqa: E402

DOCS = 300


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("differential") / "index"
    created = SearchEngine.create(path)
    created.add(documents(DOCS))
    created.close()
    return SearchEngine.open(path)


def whoosh_query(text: str, filters: dict):
    """The query the array matcher should be equivalent to, in Whoosh's own query language."""
    parsed = parse(text)
    parts = []
    for number in parsed.numbers:
        alternatives = [wq.And([wq.Term("number_terms", t) for t in number.terms])]
        alternatives += [wq.Term("number_terms", t) for t in number.nearby]
        if number.bare:
            alternatives += [wq.Term("text_f", number.bare), wq.Term("title_f", number.bare)]
        parts.append(wq.Or(alternatives))
    for run in parsed.runs:
        parts += [wq.Or([wq.Term("text_f", w), wq.Term("title_f", w)]) for w in run.folded]
        if run.phrase:
            pairs = [f"{a}_{b}" for a, b in zip(run.folded, run.folded[1:])]
            parts += [wq.Or([wq.Term("text_f", p), wq.Term("title_f", p)]) for p in pairs]
    if filters.get("province"):
        parts.append(wq.Term("province", filters["province"]))
    if filters.get("kind"):
        parts.append(wq.Term("kind", filters["kind"]))
    if filters.get("year"):
        low, high = date_bound(filters["year"], False), date_bound(filters["year"], True)
        parts.append(wq.TermRange("published", f"{str(low)[:4]}-{str(low)[4:6]}-{str(low)[6:]}",
                                  f"{str(high)[:4]}-{str(high)[4:6]}-{str(high)[6:]}"))
    return wq.And(parts) if parts else wq.Every()


def queries(count: int = 300, seed: int = 5):
    rng = random.Random(seed)
    directives = list(range(5, DOCS + 1, 5))
    for i in range(count):
        kind = i % 5
        if kind == 0:
            doc = rng.choice(directives)
            number = directive_number(doc)
            code = number.split("/")[1].split("-")[0]
            yield rng.choice([number, number.lower(), f"{code} {doc}", str(doc), f"{doc}/{CODES[0]}"]), {}
        elif kind == 1:
            yield " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))), {}
        elif kind == 2:
            start = rng.randrange(len(SYLLABLES) - 2)
            yield f'"{" ".join(SYLLABLES[start:start + 2])}"', {}
        elif kind == 3:
            yield fold(" ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2)))), {}
        else:
            yield rng.choice(SYLLABLES), {"province": rng.choice(PROVINCES), "year": str(rng.randint(2015, 2025))}


def test_array_matcher_selects_what_whoosh_selects(engine):
    searcher = engine.searcher()
    checked = 0
    for text, filters in queries():
        expected = {int(hit["id"]) for hit in searcher.search(whoosh_query(text, filters), limit=None)}
        got = set(engine.matching_ids(text, filters))
        if not parse(text).numbers or not parse(text).runs:  # numbers with words narrow conditionally
            assert got == expected, (text, filters, sorted(got ^ expected)[:10])
            checked += 1
    assert checked >= 250


def test_an_index_of_another_format_is_refused_with_what_to_run(tmp_path):
    path = tmp_path / "index"
    SearchEngine.create(path).close()
    SearchEngine.open(path)
    stamp = json.loads((path / FORMAT_FILE).read_text())
    (path / FORMAT_FILE).write_text(json.dumps({**stamp, "format": stamp["format"] - 1}))
    with pytest.raises(IndexOutdated, match="policekb index"):
        SearchEngine.open(tmp_path / "index")
    (path / FORMAT_FILE).unlink()  # an index from before the format was recorded
    with pytest.raises(IndexOutdated):
        SearchEngine.open(path)
