"""The data behind the search and document pages, shared by the HTML, JSON and CSV views."""
from __future__ import annotations

from flask import request

from corpus import NotFound
from corpus.backend import operational_errors
from corpus.answers import display_source
from search_app.db import get_engine, get_store
from search_engine.engine import FILTERS, IndexBuilding, IndexMissing
from search_app.model_data import copy_clusters, model_groups
from corpus.model_groups import group_of_key
from search_app.security import safe_url

FACET_LABELS = {"kind": "Loại", "year": "Năm", "province": "Tỉnh, thành phố", "issuer": "Cơ quan ban hành",
                "model": "Mô hình"}
KIND_LABELS = {"article": "Tin bài", "directive": "Văn bản chỉ đạo"}
MAX_QUERY = 500


def search_args() -> dict:
    args = request.args
    page = args.get("page", "1")
    return {
        "q": args.get("q", "")[:MAX_QUERY],
        "filters": {k: args.get(k)[:200] for k in (*FILTERS, "from", "to") if args.get(k)},
        "page": int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
        "sort": "date" if args.get("sort") == "date" else "relevance",
    }


_GROUPS_CACHE: list = [None, None]  # (the model groups list it was built from, the mapping)


def _groups() -> dict:
    """Facet value -> group, built once per list of model groups (model_groups() keeps its list
    until the knowledge base changes), not on every request."""
    groups = model_groups()
    if _GROUPS_CACHE[0] is not groups:
        _GROUPS_CACHE[:] = [groups, {"model": group_of_key(groups)}]
    return _GROUPS_CACHE[1]


def search_data(args: dict) -> dict:
    engine = get_engine()
    result = engine.search(args["q"], args["filters"], args["page"], args["sort"], _groups(),
                           copies=copy_clusters())
    names = {group.id: group.name for group in model_groups()}
    facets = {name: [{"value": v, "count": c, "label": _facet_label(name, v, names)} for v, c in values]
              for name, values in result.facets.items()}
    suggestion = engine.suggest_query(args["q"], zero_hits=result.total == 0) if args["q"].strip() else None
    closest = engine.closest_numbers(args["q"]) if result.total == 0 and args["q"].strip() else []
    results = [dict(vars(h)) for h in result.hits]  # shallow: the hits are this request's own
    for hit in results:
        hit["source"] = display_source(hit["source"])  # a URL, or a file's name: never a local path
    return {"total": result.total, "page": result.page, "pages": result.pages,
            "results": results, "facets": facets, "suggestion": suggestion,
            "closest_numbers": closest}


def _facet_label(name: str, value: str, model_names: dict) -> str:
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name == "model":
        return model_names.get(value, value)
    return value


def selected_ids(args: dict) -> list[int] | None:
    """The document ids a search selects (None: every document)."""
    if not args["q"] and not args["filters"]:
        return None
    return get_engine().matching_ids(args["q"], args["filters"], _groups(), copies=copy_clusters())


def document_data(document_id: int) -> dict:
    store = get_store()
    document = store.get_document(document_id)
    facts = store.facts(document_id)
    cited, seen = [], set()
    for ref in facts["doc_refs"]:
        if ref["is_own"] or ref["number_key"] == document.get("number_key") or ref["number_key"] in seen:
            continue
        seen.add(ref["number_key"])
        cited.append({**ref, "document": store.document_by_number(ref["number_key"])})
    own_key = document.get("number_key")
    citing = store.citing(own_key, exclude=document_id) if own_key else []
    duplicates = _duplicates(store, document_id)
    return {"document": document, "source_url": safe_url(document.get("source")), "facts": facts,
            "cited": cited, "citing": citing, "duplicates": duplicates}


def _duplicates(store, document_id: int) -> list[dict]:
    """Reposts of the document on other portals (near-duplicate links made at import)."""
    from corpus.duplicates import DuplicateLinks

    try:
        return DuplicateLinks(store).links(document_id)
    except operational_errors():  # a knowledge base from before near-duplicate links
        return []


def highlight_segments(text: str, facts: dict) -> list[tuple[str, str | None, int]]:
    """The text cut into pieces (piece, fact kind or None, start offset), each fact's span marked
    with its kind (no overlaps); the offset names the anchor a model page links to."""
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
            pieces.append((text[cursor:start], None, cursor))
        pieces.append((text[start:end], kind, start))
        cursor = end
    pieces.append((text[cursor:], None, cursor))
    return [p for p in pieces if p[0]]


__all__ = ["NotFound", "IndexMissing", "IndexBuilding", "search_args", "search_data", "document_data",
           "selected_ids", "highlight_segments", "FACET_LABELS", "KIND_LABELS"]


def document_original(document_id: int) -> dict:
    """The stored original of a document (NotFound when there is none): its bytes as fetched or
    imported, with the document's source and media type for the download's name and headers."""
    store = get_store()
    document = store.get_document(document_id)
    return {"id": document_id, "source": document["source"], "media_type": document["media_type"],
            "content": store.blob(document["content_hash"])}
