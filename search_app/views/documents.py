from flask import Blueprint, abort, render_template

from search_app.data import KIND_LABELS, NotFound, document_data, document_original, highlight_segments
from search_app.security import DOCX, download_name, original_response

bp = Blueprint("documents", __name__, url_prefix="/documents")
# SQLite's largest rowid: a larger id names no document (and would overflow the query), so the
# route does not match it and the answer is a plain 404.
MAX_ID = 2**63 - 1
DOCUMENT_ID = f"int(max={MAX_ID})"
ORIGINAL_LABELS = {"application/pdf": "Xem bản gốc (PDF)", DOCX: "Tải bản gốc (Word .docx)",
                   "text/html": "Tải bản gốc (trang HTML đã lưu)", "text/plain": "Tải bản gốc (tệp văn bản .txt)"}


@bp.get(f"/<{DOCUMENT_ID}:document_id>")
def show(document_id: int):
    try:
        data = document_data(document_id)
    except NotFound:
        abort(404, description=no_document(document_id))
    segments = highlight_segments(data["document"]["text"], data["facts"])
    original_label = ORIGINAL_LABELS.get(data["document"]["media_type"], "Tải bản gốc")
    return render_template("document.html", segments=segments, kind_labels=KIND_LABELS,
                           original_label=original_label, **data)


@bp.get(f"/<{DOCUMENT_ID}:document_id>/original")
def original(document_id: int):
    """The stored bytes, served so that nothing in them runs (see security.original_response)."""
    try:
        stored = document_original(document_id)
    except NotFound:
        abort(404, description=no_document(document_id))
    name = download_name(stored["source"], stored["media_type"], document_id)
    return original_response(stored["content"], stored["media_type"], name)


def no_document(document_id: int) -> str:
    return f"Không có tài liệu số {document_id} trong cơ sở tri thức."
