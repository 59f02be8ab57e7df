"""extract(document) -> Extraction: the pure function at the heart of policekb."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from nlp import counts as counts_mod
from nlp import dates, docrefs, header, model_counts, models, places, tables
from nlp.segment import Span, sentences, statements

EXTRACTOR_VERSION = "nlp-0.1.0"
AREA_LEVELS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã")


class DocumentLike(Protocol):
    source: str
    text: str


@dataclass
class Extraction:
    source: str
    kind: str
    title: str | None
    published: str | None
    number: str | None = None
    issuer: str | None = None
    doc_refs: list[dict] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    model_counts: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _provenance(item: dict, sentence: Span) -> dict:
    item["sentence"] = [sentence.start, sentence.end]
    return item


def _sentence_of(spans: list[Span], offset: int) -> Span:
    for span in spans:
        if span.start <= offset < span.end + 1:
            return span
    return spans[-1] if spans else Span(0, 0, "")


def _phrase(text: str, statement: Span, start: int, end: int) -> str:
    """The clause around a fact, for people to read: from the previous comma."""
    head = text[statement.start:start]
    cut = max(head.rfind(","), head.rfind(":"), head.rfind("("))
    begin = statement.start + cut + 1 if cut >= 0 and start - (statement.start + cut) > 12 else statement.start
    begin = max(begin, start - 80)
    return " ".join(text[begin:end].split())


def _title(document: DocumentLike, text: str) -> str | None:
    given = getattr(document, "title", None)
    if given:
        return given
    for line in text.splitlines()[:8]:
        line = line.strip()
        words = line.split()
        if 6 <= len(words) <= 60 and not line.endswith((".", "?", ":")) and not dates.parse_date(line):
            return line
    return None


def extract(document: DocumentLike) -> Extraction:
    text = document.text
    spans = sentences(text)
    head = header.from_fields(getattr(document, "header", None) or {}, text) or header.parse_header(text)
    kind = getattr(document, "kind", None) or ("directive" if head else "article")
    result = Extraction(
        source=document.source, kind=kind,
        title=(head.title if head and not getattr(document, "title", None) else _title(document, text)),
        published=getattr(document, "published", None) or (head.date if head else dates.page_date(text)),
        number=head.number if head else None, issuer=head.issuer if head else None,
    )
    result.doc_refs = _doc_refs(text, spans, head)
    mentions = models.find_model_mentions(spans)
    result.models = [m.as_dict() for m in models.group_models(mentions, text)]
    found_places = places.group_places(places.find_place_mentions(text))
    result.places = [p.as_dict() for p in found_places]
    result.figures, result.model_counts = _counts(text, spans, mentions, found_places)
    _add_table_counts(result, text, spans, mentions)
    return result


def _add_table_counts(result: Extraction, text: str, spans: list[Span], mentions) -> None:
    for cell in tables.read_tables(text, mentions):
        sentence = _sentence_of(spans, cell.count.start)
        result.figures.append(_provenance(cell.count.as_dict(), sentence))
        if cell.model:
            linked = model_counts.ModelCount(cell.model, cell.count, cell.place)
            result.model_counts.append(_provenance(linked.as_dict(), sentence))


def _doc_refs(text: str, spans: list[Span], head: header.Header | None) -> list[dict]:
    refs = docrefs.unique_refs(docrefs.find_doc_refs(text))
    if head:
        own = next((r for r in refs if r.number == head.number), None)
        if own is None:
            own = docrefs.DocRef(head.number, head.type, head.date, head.issuer, f"Số: {head.number}",
                                 head.start, head.end, docrefs.number_key(head.number), docrefs.parse_number(head.number))
            refs.insert(0, own)
        own.type, own.date, own.issuer = head.type, head.date or own.date, head.issuer or own.issuer
    out = []
    for ref in refs:
        item = ref.as_dict()
        item["own"] = bool(head and ref.number == head.number)
        out.append(_provenance(item, _sentence_of(spans, ref.start)))
    return out


def _counts(text, spans, mentions, found_places) -> tuple[list[dict], list[dict]]:
    figures, linked = [], []
    area = _document_area(found_places)
    for sentence in spans:
        sentence_mentions = [m for m in mentions if sentence.start <= m.start < sentence.end]
        for statement in statements(sentence):
            found = counts_mod.find_counts(statement.text, statement.start)
            for count in found:
                count.text = _phrase(text, statement, count.start, count.end)
                figures.append(_provenance(count.as_dict(), sentence))
            statement_mentions = [m for m in sentence_mentions if statement.start <= m.start < statement.end]
            for mc in model_counts.link(text, statement, found, statement_mentions):
                mc.place = _place_in(text, sentence, mc.count.end, found_places) or area
                linked.append(_provenance(mc.as_dict(), sentence))
    return figures, linked


def _place_in(text: str, sentence: Span, count_end: int, found_places: list[places.Place]) -> str | None:
    """The area a count covers: a place the statement puts after "trên địa bàn", "tại" or "ở",
    else the first place the sentence names."""
    inside = sorted(((start, p) for p in found_places for start, _ in p.mentions
                     if sentence.start <= start < sentence.end and p.level in AREA_LEVELS + ("xã", "phường", "thị trấn")),
                    key=lambda pair: pair[0])
    for start, place in inside:
        if start >= count_end and re.search(r"(?:địa\s+bàn|tại|ở)\s+(?:toàn\s+)?(?:\w+\s+){0,2}$",
                                             text[max(count_end, start - 30):start]):
            return f"{place.level} {place.name}"
    return f"{inside[0][1].level} {inside[0][1].name}" if inside else None


def _document_area(found_places: list[places.Place]) -> str | None:
    ranked = [p for level in AREA_LEVELS for p in found_places if p.level == level]
    if not ranked:
        return None
    return f"{ranked[0].level} {ranked[0].name}"
