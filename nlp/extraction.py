"""extract(document) -> Extraction: the pure function at the heart of policekb."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from nlp import counts as counts_mod
from nlp import dates, docrefs, header, model_counts, models, places, status, tables
from nlp.gazetteer import gazetteer
import bisect

from nlp.segment import Span, paragraphs, split_sentences, statements

EXTRACTOR_VERSION = "nlp-0.2.0"
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
    first = statement.start
    cut = max(text.rfind(",", first, start), text.rfind(":", first, start), text.rfind("(", first, start))
    begin = cut + 1 if cut >= 0 and start - cut > 12 else first
    if begin < start - 80:
        begin = start - 80
    return _single_spaced(text[begin:end])


_OTHER_SPACE = re.compile(r"[^\S ]")  # white space but a plain space (\s is what str.split() splits at)


def _single_spaced(piece: str) -> str:
    """ " ".join(piece.split()): the piece itself when it has no white space but single plain spaces
    between words (most phrases), without splitting it into words and joining them again."""
    if (piece and not piece[0].isspace() and not piece[-1].isspace() and "  " not in piece
            and _OTHER_SPACE.search(piece) is None):
        return piece
    return " ".join(piece.split())


def _title(document: DocumentLike, text: str) -> str | None:
    given = getattr(document, "title", None)
    if given:
        return given
    for line in text.splitlines()[:8]:
        line = line.strip()
        words = line.split(None, 60)  # (61 parts for a line of more than 60 words: no need to split it all)
        if 6 <= len(words) <= 60 and not line.endswith((".", "?", ":")) and not dates.parse_date(line):
            return line
    return None


def extract(document: DocumentLike) -> Extraction:
    text = document.text
    paragraph_spans = paragraphs(text)
    spans = [s for p in paragraph_spans for s in split_sentences(p)]
    head = header.from_fields(getattr(document, "header", None) or {}, text) or header.parse_header(text)
    repaired = docrefs.repair_symbol(head.number) if head else None
    if repaired:  # a scan's "07/CEUBND" is "07/CT-UBND": one OCR confusion, reported with the number
        head.number = repaired
    kind = getattr(document, "kind", None) or ("directive" if head else "article")
    result = Extraction(
        source=document.source, kind=kind,
        title=(head.title if head and not getattr(document, "title", None) else _title(document, text)),
        published=getattr(document, "published", None) or (head.date if head else dates.page_date(text)),
        number=head.number if head else None, issuer=head.issuer if head else None,
    )
    all_refs = docrefs.find_doc_refs(text)
    result.doc_refs = _doc_refs(text, spans, head, all_refs)
    mentions = models.find_model_mentions(spans)
    result.models = [m.as_dict() for m in models.group_models(mentions, text)]
    lowered = text.lower()  # to find where words may start (nlp.scan.CaselessWords)
    found_places = places.group_places(places.find_place_mentions(text, lowered))
    result.places = [p.as_dict() for p in found_places]
    context = status.document_context(text, kind, result.number, result.title, result.published)
    scope = Scope(text, found_places, _issuer_area(result.issuer, found_places) or _document_area(found_places, result.title))
    masked = [(r.start, r.end) for r in all_refs]  # "Kế hoạch … ngày 13/4/2018": not the time of a count
    paragraph_ends = [p.end for p in paragraph_spans]
    result.figures, result.model_counts = _counts(text, spans, paragraph_ends, mentions, scope, context, masked,
                                                  counts_mod.WORD_NUMBER_STARTS.starts(text, lowered))
    _add_table_counts(result, text, spans, mentions, scope, context)
    return result


@dataclass
class Scope:
    """Where the places of a document are, and the area the whole document covers."""
    text: str
    places: list
    area: str | None
    # Each mention's start with its place, in text order (a stable sort: places in order for one start).
    by_start: list[tuple[int, places.Place]] = field(init=False)
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_start = sorted(((start, p) for p in self.places for start, _ in p.mentions), key=lambda pair: pair[0])
        self.starts = [start for start, _ in self.by_start]

    def mentions_in(self, span: Span) -> list[tuple[int, places.Place]]:
        """(start, place) of the mentions that start inside a span, in text order."""
        return self.by_start[bisect.bisect_left(self.starts, span.start):bisect.bisect_left(self.starts, span.end)]


def _add_table_counts(result: Extraction, text: str, spans: list[Span], mentions, scope: Scope,
                      context: status.Context) -> None:
    for cell in tables.read_tables(text, mentions):
        start = text.rfind("\n", 0, cell.count.start) + 1  # a table cell's sentence is its row
        end = text.find("\n", cell.count.start)
        sentence = Span(start, len(text) if end < 0 else end, "")
        result.figures.append(_provenance(cell.count.as_dict(), sentence))
        if not cell.model:
            continue
        place = scope.area if cell.footer else _row_place(cell.place)
        linked = model_counts.ModelCount(cell.model, cell.count, place)
        item = linked.as_dict()
        item["status"] = status.status_of(cell.column, 0, len(cell.column), len(cell.column), context)
        # A caption's year ("Bảng chỉ tiêu … năm 2023") dates a plan's targets, not what exists already.
        label = cell.column + (" " + cell.caption if item["status"] == status.TARGET else "")
        times = status.times_in(label, 0, len(label), [])
        item["as_of"] = times[-1].value if times else _fallback_time(item["status"], context)
        if cell.footer:
            item["footer"] = True
        result.model_counts.append(_provenance(item, sentence))


def _row_place(cell: str | None) -> str | None:
    """ "Thị trấn Vôi" -> "thị trấn Vôi": a row's place written like the text's places."""
    if not cell:
        return None
    m = re.match(r"(thành phố|thị trấn|thị xã|tỉnh|huyện|quận|xã|phường|thôn|bản|ấp|khu phố|tổ dân phố)\s+(.+)$",
                 cell, re.IGNORECASE)
    return f"{m.group(1).lower()} {m.group(2)}" if m else cell


def _fallback_time(kind: str, context: status.Context) -> str | None:
    return (context.plan_year or context.date) if kind == status.TARGET else context.date


def _doc_refs(text: str, spans: list[Span], head: header.Header | None, found: list) -> list[dict]:
    refs = docrefs.unique_refs(list(found))
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


def _counts(text, spans, paragraph_ends, mentions, scope: Scope, context: status.Context,
            masked, word_number_starts: list[int] | None = None) -> tuple[list[dict], list[dict]]:
    figures, linked = [], []
    last_model, paragraph_end = None, -1
    starts = [m.start for m in mentions]
    in_order = all(a <= b for a, b in zip(starts, starts[1:]))  # (they are: then a sentence's are a slice)
    find_counts, bisect_left = counts_mod.find_counts, bisect.bisect_left
    for sentence in spans:
        if sentence.start > paragraph_end:
            paragraph_end = next((end for end in paragraph_ends if end >= sentence.start), len(text))
            last_model = None  # a count refers back only within its paragraph
        if not mentions:
            sentence_mentions = mentions
        elif in_order:
            sentence_mentions = mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
        else:
            sentence_mentions = [m for m in mentions if sentence.start <= m.start < sentence.end]
        for statement in statements(sentence):
            first, last = statement.start, statement.end
            numbers_at = None  # where word numbers may start in the statement, when it is the text's own piece
            if word_number_starts is not None and text.startswith(statement.text, first):
                numbers_at = word_number_starts[bisect_left(word_number_starts, first):
                                                bisect_left(word_number_starts, last)]
            found = find_counts(statement.text, first, numbers_at)
            statement_mentions = [m for m in sentence_mentions if first <= m.start < last] if sentence_mentions else []
            if found:  # (without counts there is nothing to link, tie or place)
                inside = scope.mentions_in(statement)
                for count in found:
                    count.text = _phrase(text, statement, count.start, count.end)
                    figure = count.as_dict()
                    figure["sentence"] = [sentence.start, sentence.end]  # (_provenance)
                    # (without a place in the statement _place_in(…, fallback=False) has none)
                    figure["place"] = _place_in(text, statement, count.start, count.end, scope, fallback=False,
                                                inside=inside) if inside else None
                    figures.append(figure)
                tied = model_counts.link(text, statement, found, statement_mentions) if statement_mentions else []
                if not statement_mentions and last_model:
                    tied = model_counts.refer_back(text, statement, found, last_model, set())
                if tied:
                    for mc in _with_meaning(text, sentence, statement, found, tied, context, masked):
                        mc["place"] = _place_in(text, statement, mc["start"], mc["end"], scope, inside=inside)
                        linked.append(_provenance(mc, sentence))
            if statement_mentions:
                last_model = statement_mentions[-1].name
    return figures, linked


def _with_meaning(text, sentence: Span, statement: Span, found, tied, context: status.Context, masked) -> list[dict]:
    """Each model count with its status and as_of, read from the words nearest to it."""
    out, previous, times = [], {}, None
    order = {id(c): i for i, c in enumerate(found)}
    for mc in sorted(tied, key=lambda m: m.count.start):
        count = mc.count
        i = order[id(count)]
        clause_start = found[i - 1].end if i > 0 else statement.start
        inherited = previous.get(i - 1) if i > 0 and _joined(text, found[i - 1], count) else None
        kind = status.status_of(text, clause_start, count.start, count.end, context, inherited)
        if times is None:  # the statement's times, read once for all its counts
            times = status.times_in(text, statement.start, statement.end, masked)
        when = status.as_of(text, (statement.start, statement.end), sentence.start, count.start, count.end,
                            kind, context, masked, times)
        if kind != status.TARGET and status.later_than(when, context.date):
            kind = status.TARGET  # a time after the document's own can only be planned
        previous[i] = kind
        item = mc.as_dict()
        item.update(status=kind, as_of=when)
        out.append(item)
    return out


_JOINED = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def _joined(text: str, a, b) -> bool:
    return bool(_JOINED.fullmatch(text[a.end:b.start]))


AREA_PATTERN = re.compile(r"(?:địa\s+bàn|tại|ở|trên)\s+(?:toàn\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)


def _place_in(text: str, statement: Span, count_start: int, count_end: int, scope: Scope,
              fallback: bool = True, inside: list | None = None) -> str | None:
    """The area a count covers: a place the statement puts after "trên địa bàn", "tại" or "ở" after
    the count, else the nearest place named before it in the statement, else the document's area.
    inside: scope.mentions_in(statement), when the caller has it."""
    if inside is None:
        inside = scope.mentions_in(statement)
    if not inside:
        return scope.area if fallback else None
    for start, place in inside:
        if start >= count_end and AREA_PATTERN.search(text[max(count_end, start - 30):start]):
            return f"{place.level} {place.name}"
    before = [(start, p) for start, p in inside if start < count_start]
    if before:
        place = _most_specific_of_address(text, before)
        return f"{place.level} {place.name}"
    return scope.area if fallback else None


_ADDRESS_GAP = re.compile(r"\s*,\s*(?:[^\W\d_]+\s+){0,2}")
_RANK = {"tỉnh": 1, "thành phố": 1, "huyện": 2, "quận": 2, "thị xã": 2, "xã": 3, "phường": 3, "thị trấn": 3}


def _most_specific_of_address(text: str, before: list) -> places.Place:
    """ "huyện Quỳnh Lưu, tỉnh Nghệ An, mô hình …": an address names its smallest unit first."""
    chain = [before[-1]]
    for start, place in reversed(before[:-1]):
        gap = text[start + len(place.name):chain[0][0]]  # mentions start at the name: ", tỉnh "
        if not _ADDRESS_GAP.fullmatch(gap):
            break
        chain.insert(0, (start, place))
    return max(chain, key=lambda pair: _RANK.get(pair[1].level, 4))[1]


# Overlapping matches, any case: the header gives the issuer as Vietnamese writes it, the area last
# ("Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội … huyện Phù Mỹ"), so "xã hội …" must not hide it.
_ISSUER_AREA = re.compile(r"(?=(?<!\w)(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s+([^\W\d_][\w\s]*?)"
                          r"(?=\s+(?:CÔNG AN|UBND|ỦY BAN|BAN|ĐẢNG|HỘI|CỘNG HÒA)|\s*$))", re.IGNORECASE)


_NOT_IN_NAMES = {"VÀ", "CỦA", "VỀ", "HỘI", "CHỦ", "NGHĨA", "PHÒNG", "CHỐNG", "TỆ", "NẠN"}


def _issuer_area(issuer: str | None, found_places: list[places.Place]) -> str | None:
    """A directive covers its issuer's area: "Công an huyện Cam Lộ" -> huyện Cam Lộ."""
    for m in reversed(list(_ISSUER_AREA.finditer(issuer or ""))):
        level, name = m.group(1).lower(), " ".join(m.group(2).split())
        known = next((p for p in found_places if p.level == level and p.name.upper() == name.upper()), None)
        if known:
            return f"{level} {known.name}"
        words = name.upper().split()
        if gazetteer().knows(level, name.title()) or (len(words) <= 3 and not set(words) & _NOT_IN_NAMES):
            return f"{level} {name.title()}"  # but "… TỆ NẠN XÃ HỘI VÀ XÂY DỰNG …" is no commune
    return None


def _document_area(found_places: list[places.Place], title: str | None = None) -> str | None:
    """The area an article is about: the one its title names, else the most named area."""
    areas = [p for p in found_places if p.level in AREA_LEVELS]
    if not areas:
        return None
    titled = [p for p in areas if title and p.name in title]
    if titled:
        return f"{titled[-1].level} {titled[-1].name}"
    ranked = sorted(areas, key=lambda p: (-len(p.mentions), AREA_LEVELS.index(p.level)))
    return f"{ranked[0].level} {ranked[0].name}"
