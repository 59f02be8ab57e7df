"""The Whoosh schema and how a stored document becomes an index record."""
from __future__ import annotations

import re
import zlib

from whoosh import fields, formats
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec

from corpus.store import version_of
from nlp.normalize import match_key
from search_engine.numbers import number_terms
from search_engine.analysis import WORD_PATTERN, accented_counts, term_counts

# Text fields: (as written, folded) pairs; the title counts more than the body.
TEXT_FIELDS = {"title": ("title_a", "title_f"), "text": ("text_a", "text_f")}
SINGLE_FACETS = ("kind", "issuer")
MULTI_FACETS = ("province", "district", "model")


class FastCodec(W3Codec):
    """Whoosh's codec without per-posting length statistics: they feed Whoosh's own
    block-skipping scorers, which this engine does not use, and cost a column
    lookup for every posting written."""

    length_stats = False

    def __init__(self, blocklimit: int = 1024, compression: int = 1, inlinelimit: int = 1):
        # Long blocks: reading a posting list costs per block (unpickling), not per posting.
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)


class VietnameseText(fields.FieldType):
    """Term counts without positions (pairs stand in for phrases).

    Folded fields hold syllables and pairs; fields as written hold only the
    syllables that have diacritics (the others are the same folded), for the
    exact-form boost."""

    def __init__(self, folded: bool):
        self.folded = folded
        self.format = formats.Existence()  # the weight is the term frequency; no other per-posting value
        self.analyzer = RegexTokenizer(WORD_PATTERN) | LowercaseFilter()  # only for Whoosh's own helpers
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None
        self.column_type = None

    def term_counts(self, value) -> dict[str, int]:
        """Each term with its frequency (the bulk segment writer's way in)."""
        return term_counts(value, folded=True) if self.folded else accented_counts(value)

    def index(self, value, **kwargs):
        for term, count in self.term_counts(value).items():
            yield term.encode("utf-8"), count, float(count), b""


def schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.STORED(),
        title_a=VietnameseText(folded=False),
        title_f=VietnameseText(folded=True),
        text_a=VietnameseText(folded=False),
        text_f=VietnameseText(folded=True),
        body=fields.STORED(),  # zlib-compressed text, for snippets
        numbers=fields.STORED(),
        number_terms=fields.KEYWORD(commas=True, lowercase=False),
        own_number_terms=fields.KEYWORD(commas=True, lowercase=False),
        kind=fields.ID(stored=True, sortable=True),
        issuer=fields.ID(stored=True, sortable=True),
        published=fields.ID(stored=True, sortable=True),
        province=fields.KEYWORD(commas=True, lowercase=False),
        district=fields.KEYWORD(commas=True, lowercase=False),
        model=fields.KEYWORD(commas=True, lowercase=False),
        source=fields.STORED(),
        version=fields.ID(stored=False, sortable=True),  # when the document and its facts were written
    )


def _terms(numbers: list[tuple[str, str | None]]) -> str:
    return ",".join(sorted(set().union(*(number_terms(n, t) for n, t in numbers)))) if numbers else ""


def _keywords(values) -> str:
    """Facet values are whole terms; commas separate them, so none may hold one."""
    return ",".join(sorted({v.replace(",", " ").strip() for v in values if v and v.strip()}))


def record_fields(record: dict) -> dict:
    doc = record["document"]
    own = [doc["number"]] if doc.get("number") else []
    types = {r["number"]: r.get("type") for r in record.get("doc_refs", [])}
    cited = sorted({r["number"] for r in record.get("doc_refs", []) if r["number"] not in own})
    places = record.get("places", [])
    title, text = doc.get("title") or "", doc.get("text") or ""
    return {
        "id": str(doc["id"]), "version": version_of(doc.get("updated_at"), doc.get("extracted_at")), "title": title, "title_a": title, "title_f": title, "text_a": text, "text_f": text,
        "body": zlib.compress(text.encode("utf-8"), 6), "numbers": own + cited,
        "number_terms": _terms([(n, types.get(n)) for n in own + cited]),
        "own_number_terms": _terms([(n, types.get(n)) for n in own]),
        "kind": doc.get("kind") or "article", "issuer": " ".join((doc.get("issuer") or "").split())[:120],
        "published": doc.get("published") or "", "source": doc.get("source") or "",
        "province": _keywords(p.get("province") for p in places),
        "district": _keywords(p.get("district") for p in places),
        "model": _keywords(match_key(m["name"]) for m in record.get("models", [])),
    }


def stored_text(stored: dict) -> str:
    body = stored.get("body")
    return zlib.decompress(body).decode("utf-8") if body else ""
