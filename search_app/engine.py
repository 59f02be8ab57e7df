"""The search engine behind a small interface, so views never touch Whoosh.

SearchEngine.open(path) -> add(docs) / delete(ids) / search(query, filters, page) / suggest(word).
Another engine can take Whoosh's place by implementing the same methods."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index, qparser, sorting
from whoosh.highlight import HtmlFormatter, ContextFragmenter
from whoosh.query import And, AndMaybe, Every, Or, Term

from nlp.docrefs import SYMBOL, type_codes
from nlp.normalize import fold, match_key, nfc, number_key, unify_tones
from search_app.analysis import WORD_PATTERN, folded_analyzer, has_diacritics, text_analyzer

FACETS = ("kind", "year", "province", "issuer", "model")
PAGE_SIZE = 10


class IndexMissing(RuntimeError):
    pass


@dataclass
class Hit:
    id: int
    title: str
    kind: str
    published: str | None
    source: str
    numbers: list[str]
    snippet: str


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


def schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=text_analyzer()),
        title_folded=fields.TEXT(analyzer=folded_analyzer()),
        text=fields.TEXT(stored=True, analyzer=text_analyzer(), chars=True),
        text_folded=fields.TEXT(analyzer=folded_analyzer(), chars=True),
        numbers=fields.KEYWORD(stored=True, commas=True, scorable=True),
        number_terms=fields.KEYWORD(commas=True, lowercase=False),
        kind=fields.ID(stored=True),
        year=fields.ID(stored=True),
        published=fields.ID(stored=True, sortable=True),
        source=fields.STORED(),
        province=fields.KEYWORD(stored=True, commas=True),
        issuer=fields.ID(stored=True),
        model=fields.KEYWORD(stored=True, commas=True),
    )


def number_terms(number: str) -> set[str]:
    """Keys a document number is found by: the whole symbol, "111/2013", "KH953"."""
    key = number_key(number)
    terms = {key}
    m = re.match(r"(\d+)/((?:19|20)\d{2})/", key)
    if m:
        terms.add(f"{int(m.group(1))}/{m.group(2)}")
    m = re.match(r"(\d+)[/-]([A-Z]+)", key)
    if m:
        terms.add(f"{m.group(2)}{int(m.group(1))}")
    year_code = re.match(r"(\d+)/(?:19|20)\d{2}/([A-Z]+)", key)
    if year_code:
        terms.add(f"{year_code.group(2)}{int(year_code.group(1))}")
    return terms


class SearchEngine:
    def __init__(self, ix):
        self.ix = ix

    @classmethod
    def create(cls, path: str | Path) -> "SearchEngine":
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return cls(index.create_in(str(path), schema()))

    @classmethod
    def open(cls, path: str | Path) -> "SearchEngine":
        path = Path(path)
        if not path.exists() or not index.exists_in(str(path)):
            raise IndexMissing(f"no search index at {path}")
        return cls(index.open_dir(str(path)))

    def add(self, records: list[dict]) -> None:
        """Add or replace documents: each record has the document row, its refs, models and places."""
        with self.ix.writer(limitmb=128) as writer:
            for record in records:
                writer.update_document(**_fields(record))

    def delete(self, ids: list[int]) -> None:
        with self.ix.writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", str(doc_id))

    def search(self, text: str, filters: dict | None = None, page: int = 1, sort: str = "relevance") -> SearchResult:
        query = self._query(text or "")
        filter_query = _filters(filters or {})
        with self.ix.searcher() as searcher:
            facets = {name: sorting.FieldFacet(name, allow_overlap=name in {"province", "model"}) for name in FACETS}
            sortedby = sorting.FieldFacet("published", reverse=True) if sort == "date" else None
            results = searcher.search_page(query, max(page, 1), pagelen=PAGE_SIZE, filter=filter_query,
                                           groupedby=facets, sortedby=sortedby)
            results.results.fragmenter = ContextFragmenter(maxchars=220, surround=60)
            results.results.formatter = HtmlFormatter(tagname="mark", classname="hl", termclass="t")
            hits = [self._hit(hit) for hit in results]
            facet_counts = {name: sorted(((k, len(v)) for k, v in results.results.groups(name).items() if k),
                                         key=lambda kv: (-kv[1], kv[0])) for name in FACETS}
            return SearchResult(results.total, hits, facet_counts, results.pagenum, results.pagecount)

    def matching_ids(self, text: str, filters: dict | None = None) -> list[int]:
        with self.ix.searcher() as searcher:
            results = searcher.search(self._query(text or ""), limit=None, filter=_filters(filters or {}))
            return [int(hit["id"]) for hit in results]

    def _hit(self, hit) -> Hit:
        stored = hit.fields()
        snippet = hit.highlights("text", top=2) or hit.highlights("text_folded", text=stored.get("text", ""), top=2)
        if not snippet:
            from markupsafe import escape

            snippet = str(escape(stored.get("text", "")[:220]))
        return Hit(int(stored["id"]), stored.get("title") or "", stored.get("kind", ""), stored.get("published"),
                   stored.get("source", ""), [n for n in stored.get("numbers", "").split(",") if n], snippet)

    def _query(self, text: str):
        text = nfc(text).strip()
        if not text:
            return Every()
        numbers, rest = _number_queries(text)
        words = _word_queries(rest)
        if numbers and words:
            return AndMaybe(Or(numbers), words)
        return Or(numbers) if numbers else words or Every()

    def suggest(self, word: str) -> list[str]:
        with self.ix.searcher() as searcher:
            corrector = searcher.corrector("text_folded")
            return corrector.suggest(fold(word), limit=3)


def _number_queries(text: str) -> tuple[list, str]:
    queries, rest = [], text
    upper = text.upper()
    for m in SYMBOL.finditer(upper):
        queries.append(Term("number_terms", number_key(m.group())))
        rest = rest.replace(text[m.start():m.end()], " ")
    for m in re.finditer(r"(?<![\w/])(\d{1,5})\s*/\s*((?:19|20)\d{2})(?![\w/])", rest):
        queries.append(Term("number_terms", f"{int(m.group(1))}/{m.group(2)}"))
        rest = rest.replace(m.group(), " ")
    codes = {fold(c).upper() for c in type_codes()}
    for m in re.finditer(r"(?<!\w)([A-Za-zĐđ]{2,4})\s*(\d{1,5})(?!\w)", rest):
        code = fold(m.group(1)).upper()
        if code in codes:
            queries.append(Term("number_terms", f"{code}{int(m.group(2))}"))
            rest = rest.replace(m.group(), " ")
    return queries, rest


def _word_queries(text: str):
    words = [unify_tones(w.lower()) for w in WORD_PATTERN.findall(text)]
    if not words:
        return None
    accented = has_diacritics(text)
    parts = []
    for word in words:
        folded = fold(word)
        options = [Term("text_folded", folded), Term("title_folded", folded, boost=2.0)]
        if accented:
            options += [Term("text", word, boost=3.0), Term("title", word, boost=4.0)]
        parts.append(Or(options))
    return And(parts)


def _filters(filters: dict):
    terms = []
    for name in FACETS:
        value = filters.get(name)
        if value:
            terms.append(Term(name, str(value)))
    date_from, date_to = filters.get("from"), filters.get("to")
    if date_from or date_to:
        from whoosh.query import TermRange

        terms.append(TermRange("published", date_from or "0000", (date_to or "9999") + "\uffff"))
    return And(terms) if terms else None


def _fields(record: dict) -> dict:
    doc = record["document"]
    numbers = sorted({r["number"] for r in record.get("doc_refs", [])} | ({doc["number"]} if doc.get("number") else set()))
    terms = set().union(*(number_terms(n) for n in numbers)) if numbers else set()
    provinces = sorted({p["province"] for p in record.get("places", []) if p.get("province")})
    models = sorted({match_key(m["name"]) for m in record.get("models", [])})
    published = doc.get("published") or ""
    title = doc.get("title") or ""
    return {
        "id": str(doc["id"]), "title": title, "title_folded": title, "text": doc["text"], "text_folded": doc["text"],
        "numbers": ",".join(numbers), "number_terms": ",".join(sorted(terms)), "kind": doc.get("kind") or "article",
        "year": published[:4], "published": published, "source": doc.get("source") or "",
        "province": ",".join(provinces), "issuer": (doc.get("issuer") or "")[:120], "model": ",".join(models),
    }
