from flask import Blueprint, abort, render_template

from search_app.data import KIND_LABELS, NotFound, document_data, highlight_segments

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.get("/<int:document_id>")
def show(document_id: int):
    try:
        data = document_data(document_id)
    except NotFound:
        abort(404)
    segments = highlight_segments(data["document"]["text"], data["facts"])
    return render_template("document.html", segments=segments, kind_labels=KIND_LABELS, **data)
