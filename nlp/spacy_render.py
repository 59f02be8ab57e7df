"""The spaCy view of an extraction, without spaCy: tokens, labelled fact offsets, displaCy JSON.

Pure functions over a text and its extraction (``nlp.extract``'s Extraction or its dict), so the
API and the CLI can return displaCy-ready JSON without importing spaCy. ``nlp.spacy_pipeline``
builds its spaCy Docs from the same tokens and the same labelled offsets, so token indices and
labels here equal the ones of ``doc.spans`` there.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

SPAN_KEYS = ("models", "places", "doc_refs", "counts")
LABELS = {"models": ("MODEL",), "places": ("PLACE",), "doc_refs": ("DOC_REF",), "counts": ("MODEL_COUNT", "COUNT")}

# Syllables (letters with any combining marks), numbers written the Vietnamese way (1.250 / 3,5),
# single punctuation marks, and whitespace runs. Every character falls in exactly one token.
_TOKEN = re.compile(r"\s+|\d+(?:[.,]\d+)*|[\w\u0300-\u036f]+|[^\w\s]")


def tokenize(text: str) -> tuple[list[str], list[bool]]:
    """spaCy-style words and trailing-space flags: "".join(w + " " * s) == text.

    One space after a token is its trailing space; any other whitespace (newlines, runs of
    spaces, leading whitespace) is a whitespace token of its own, as spaCy's tokenizers do.
    """
    words: list[str] = []
    spaces: list[bool] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0].isspace():
            if token[0] == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                token = token[1:]
            if not token:
                continue
        words.append(token)
        spaces.append(False)
    return words, spaces


def _as_dict(extraction: Any) -> dict:
    if hasattr(extraction, "as_dict"):
        return extraction.as_dict()
    return dict(extraction)


def _offsets(fact: Mapping) -> tuple[Any, Any]:
    """A fact's (start, end): extract()'s "start"/"end", or a stored row's "start_offset"/"end_offset"."""
    if "start" in fact or "end" in fact:
        return fact.get("start"), fact.get("end")
    return fact.get("start_offset"), fact.get("end_offset")


def _mentions(fact: Mapping) -> list:
    mentions = fact.get("mentions")
    if mentions:
        return [tuple(m) for m in mentions]
    start, end = _offsets(fact)
    return [(start, end)] if start is not None else []


def labelled_facts(extraction: Any, keys: Iterable[str] = SPAN_KEYS) -> Iterator[tuple[str, str, Any, Any, dict]]:
    """(span key, label, start, end, fact) for each fact mention of an extraction.

    ``extraction`` is extract()'s Extraction or its dict, or a knowledge base's Store.facts(id)
    (rows with "start_offset"/"end_offset"; "mentions" for models and places).
    doc_refs → DOC_REF; models → MODEL and places → PLACE, one per mention; counts → MODEL_COUNT
    for each model count and COUNT for each figure, except a figure at the same characters as a
    model count (the model count stands for it). Offsets are passed on as given (they may be
    missing or out of range); callers skip what they cannot place.
    """
    ex = _as_dict(extraction)
    keys = tuple(keys)
    for key, label in (("models", "MODEL"), ("places", "PLACE")):
        if key in keys:
            for item in ex.get(key) or []:
                for start, end in _mentions(item):
                    yield key, label, start, end, item
    if "doc_refs" in keys:
        for ref in ex.get("doc_refs") or []:
            yield ("doc_refs", "DOC_REF", *_offsets(ref), ref)
    if "counts" in keys:
        counts = ex.get("model_counts") or []
        counted = {_offsets(c) for c in counts}
        for count in counts:
            yield ("counts", "MODEL_COUNT", *_offsets(count), count)
        for figure in ex.get("figures") or []:
            if _offsets(figure) not in counted:
                yield ("counts", "COUNT", *_offsets(figure), figure)


def describe(key: str, fact: Mapping) -> str:
    """A short description of a fact, shown by displaCy under the label (its "kb_id")."""
    if key == "doc_refs":
        parts = [fact.get("type"), fact.get("number")]
    elif key == "models":
        parts = [fact.get("name")]
    elif key == "places":
        parts = [fact.get("level"), fact.get("name")]
    else:
        parts = [fact.get("model"), fact.get("value"), fact.get("unit"), fact.get("status"), fact.get("as_of")]
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def displacy_json(text: str, extraction: Any, title: str | None = None,
                  keys: Iterable[str] = SPAN_KEYS) -> dict:
    """displaCy's manual format for style="span": {"text", "spans", "tokens", "title"}.

    ``extraction``: extract()'s Extraction or dict for ``text``, or Store.facts(id) of the stored
    document whose text is ``text`` (see labelled_facts).

    Each span is {"start", "end", "start_token", "end_token", "label", "kb_id", "kb_url"}: char
    offsets widened to whole tokens (as doc.char_span(alignment_mode="expand")), token indices
    into "tokens" (the policekb tokenizer's tokens, whitespace tokens included, so they equal the
    token indices of the spaCy Doc). "kb_id" is a short description of the fact. Facts whose
    offsets are missing or outside the text are left out. "title" is ``title`` or the
    extraction's title. Render with spacy.displacy.render(data, style="span", manual=True).
    """
    ex = _as_dict(extraction)
    words, spaces = tokenize(text)
    starts, ends, offset = [], [], 0
    for word, space in zip(words, spaces):
        starts.append(offset)
        offset += len(word)
        ends.append(offset)
        offset += space
    spans = []
    for key, label, start, end, fact in labelled_facts(ex, keys):
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            continue
        # As doc.char_span(alignment_mode="expand"): the tokens holding the first and the last
        # character, a token's trailing space counting as its own; a start in that space moves on.
        first = bisect.bisect_right(starts, start) - 1
        if first >= 0 and start >= ends[first]:
            first += 1
        last = bisect.bisect_right(starts, end - 1) - 1
        if first < 0 or first > last:
            continue
        spans.append({"start": starts[first], "end": ends[last], "start_token": first, "end_token": last + 1,
                      "label": label, "kb_id": describe(key, fact), "kb_url": "#"})
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return {"text": text, "spans": spans, "tokens": words,
            "title": title if title is not None else ex.get("title")}


def displacy_ents(text: str, extraction: Any, title: str | None = None,
                  keys: Iterable[str] = SPAN_KEYS) -> dict:
    """displaCy's manual format for style="ent": {"text", "ents", "title"}, ents [{"start", "end",
    "label", "kb_id", "kb_url"}] by character offset. Entities cannot overlap, so where spans overlap
    the one starting first (then the longer) wins: a place inside a document reference is dropped.
    Render with spacy.displacy.render(data, style="ent", manual=True)."""
    data = displacy_json(text, extraction, title, keys)
    ents, last_end = [], 0
    for span in sorted(data["spans"], key=lambda s: (s["start"], -s["end"])):
        if span["start"] >= last_end:
            ents.append({k: span[k] for k in ("start", "end", "label", "kb_id", "kb_url")})
            last_end = span["end"]
    return {"text": text, "ents": ents, "title": data["title"]}
