"""JSON API over the same data functions as the pages."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify

from search_app.data import IndexMissing, NotFound, document_data, search_args, search_data, selected_ids
from search_app.db import get_store

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    try:
        data = search_data(search_args())
    except IndexMissing:
        return jsonify(error="the search index has not been built: run `policekb index`"), 503
    data["results"] = [{k: r[k] for k in ("id", "source", "title", "kind", "published", "numbers", "snippet")}
                       for r in data["results"]]
    return jsonify(data)


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    try:
        data = document_data(document_id)
    except NotFound:
        abort(404)
    return jsonify(data)


@bp.get("/models")
def models():
    return jsonify(get_store().models_summary())


@bp.get("/models/<key>")
def model(key: str):
    try:
        return jsonify(get_store().model_detail(key))
    except NotFound:
        abort(404)


@bp.get("/export/figures")
def figures():
    args = search_args()
    try:
        ids = selected_ids(args)
    except IndexMissing:
        return jsonify(error="the search index has not been built: run `policekb index`"), 503
    return jsonify(list(get_store().export_rows(ids)))
