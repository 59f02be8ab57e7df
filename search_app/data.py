"""The data behind each page, shared by the HTML, JSON and CSV views."""
from __future__ import annotations

from dataclasses import asdict

from flask import request

from corpus import NotFound
from search_app.db import get_engine, get_store
from search_app.engine import FACETS, IndexMissing

FACET_LABELS = {"kind": "Loại", "year": "Năm", "province": "Tỉnh", "issuer": "Cơ quan ban hành", "model": "Mô hình"}
KIND_LABELS = {"article": "Tin bài", "directive": "Văn bản chỉ đạo"}


def search_args() -> dict:
    args = request.args
    page = args.get("page", "1")
    return {
        "q": args.get("q", "")[:500],
        "filters": {k: args.get(k) for k in (*FACETS, "from", "to") if args.get(k)},
        "page": int(page) if page.isdigit() and int(page) > 0 else 1,
        "sort": "date" if args.get("sort") == "date" else "relevance",
    }


def search_data(args: dict) -> dict:
    result = get_engine().search(args["q"], args["filters"], args["page"], args["sort"])
    model_names = {m["model_key"]: m["name"] for m in get_store().models_summary()}
    facets = {name: [{"value": v, "count": c, "label": _facet_label(name, v, model_names)} for v, c in values]
              for name, values in result.facets.items()}
    suggestion = None
    if result.total == 0 and args["q"].strip():
        suggestion = _did_you_mean(args["q"])
    return {"total": result.total, "page": result.page, "pages": result.pages,
            "results": [asdict(h) for h in result.hits], "facets": facets, "suggestion": suggestion}


def _facet_label(name: str, value: str, model_names: dict) -> str:
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name == "model":
        return model_names.get(value, value)
    return value


def _did_you_mean(query: str) -> str | None:
    engine = get_engine()
    words, changed = [], False
    for word in query.split():
        options = engine.suggest(word) if word.isalpha() else []
        if options and options[0] != word.lower():
            words.append(options[0])
            changed = True
        else:
            words.append(word)
    return " ".join(words) if changed else None


def document_data(document_id: int) -> dict:
    store = get_store()
    document = store.get_document(document_id)
    facts = store.facts(document_id)
    own_key = document.get("number_key")
    cited = []
    for ref in facts["doc_refs"]:
        if ref["is_own"]:
            continue
        target = store.document_by_number(ref["number_key"])
        cited.append({**ref, "document": target})
    citing = store.citing(own_key, exclude=document_id) if own_key else []
    return {"document": document, "facts": facts, "cited": cited, "citing": citing}


def selected_ids(args: dict) -> list[int] | None:
    """The document ids a search selects (None: every document)."""
    if not args["q"] and not args["filters"]:
        return None
    return get_engine().matching_ids(args["q"], args["filters"])


def highlight_segments(text: str, facts: dict) -> list[tuple[str, str | None]]:
    """The text cut into pieces, each fact's span marked with its kind (no overlaps)."""
    spans = []
    for kind in ("doc_refs", "models", "model_counts", "figures", "places"):
        for fact in facts.get(kind, []):
            for start, end in fact.get("mentions") or [(fact.get("start_offset"), fact.get("end_offset"))]:
                if start is not None and end is not None and 0 <= start < end <= len(text):
                    spans.append((start, end, kind))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    pieces, cursor = [], 0
    for start, end, kind in spans:
        if start < cursor:
            continue
        if start > cursor:
            pieces.append((text[cursor:start], None))
        pieces.append((text[start:end], kind))
        cursor = end
    pieces.append((text[cursor:], None))
    return [p for p in pieces if p[0]]


__all__ = ["NotFound", "IndexMissing", "search_args", "search_data", "document_data", "selected_ids", "highlight_segments"]
