"""JSON API over the same data functions as the pages. Errors are JSON too ({"error", "status"},
see search_app/errors.py): 404 for an unknown id, 400 for an invalid filter, 503 without an index."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from search_app.data import NotFound, document_data, search_args, search_data
from search_app.formatting import source_name
from search_app.model_data import model_data, model_filters, model_list
from search_app.views.documents import DOCUMENT_ID, no_document

bp = Blueprint("api", __name__, url_prefix="/api")
HIT_FIELDS = ("id", "source", "title", "kind", "published", "numbers", "snippet", "copies")


@bp.get("/search")
def search():
    data = search_data(search_args())  # IndexMissing: 503, answered by errors.index_missing
    data["results"] = [{k: r[k] for k in HIT_FIELDS} for r in data["results"]]
    return jsonify(data)


@bp.get(f"/documents/<{DOCUMENT_ID}:document_id>")
def document(document_id: int):
    try:
        data = document_data(document_id)
    except NotFound:
        abort(404, description=no_document(document_id))
    if request.args.get("format") == "displacy":  # for displacy.render(..., style="span", manual=True)
        from nlp.spacy_render import displacy_json

        return jsonify(displacy_json(data["document"]["text"], data["facts"], title=data["document"].get("title")))
    data["original_url"] = url_for("documents.original", document_id=document_id)
    return jsonify(_without_paths(data))


def _without_paths(data: dict) -> dict:
    """Sources as URLs or file names: a local path tells where someone keeps their files."""
    linked = [data["document"], *data["citing"], *data["duplicates"], *(r["document"] for r in data["cited"])]
    for item in linked:
        if item and "source" in item:
            item["source"] = source_name(item["source"])
    return data


@bp.get("/models")
def models():
    return jsonify(model_list(request.args.get("q", "")[:200]))


@bp.get("/models/<model_id>")
def model(model_id: str):
    try:
        return jsonify(model_data(model_id, model_filters()))
    except NotFound:
        abort(404, description=f"Không có mô hình “{model_id[:80]}” trong cơ sở tri thức.")
