"""JSON API over the same data functions as the pages."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from search_app.data import IndexMissing, NotFound, document_data, search_args, search_data
from search_app.model_data import model_data, model_filters, model_list

bp = Blueprint("api", __name__, url_prefix="/api")
HIT_FIELDS = ("id", "source", "title", "kind", "published", "numbers", "snippet")


@bp.get("/search")
def search():
    try:
        data = search_data(search_args())
    except IndexMissing as missing:
        state = "is being built" if missing.building else "has not been built"
        return jsonify(error=f"the search index {state}: run `policekb index`"), 503
    data["results"] = [{k: r[k] for k in HIT_FIELDS} for r in data["results"]]
    return jsonify(data)


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    try:
        return jsonify(document_data(document_id))
    except NotFound:
        abort(404)


@bp.get("/models")
def models():
    return jsonify(model_list(request.args.get("q", "")[:200]))


@bp.get("/models/<model_id>")
def model(model_id: str):
    try:
        return jsonify(model_data(model_id, model_filters()))
    except NotFound:
        abort(404)
