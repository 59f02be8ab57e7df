"""CSV export: UTF-8 with BOM (Excel shows Vietnamese), formula-injection safe, streamed."""
from __future__ import annotations

from flask import Blueprint, Response, current_app

from corpus import Store

from search_app.csv_export import csv_lines
from search_app.data import IndexMissing, search_args, selected_ids

bp = Blueprint("export", __name__, url_prefix="/export")

@bp.get("/figures.csv")
def figures_csv():
    args = search_args()
    try:
        ids = selected_ids(args)
    except IndexMissing:
        return Response("Chỉ mục tìm kiếm chưa được xây dựng.\n", status=503, mimetype="text/plain")
    response = Response(_stream(current_app.config["DATABASE"], ids), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=policekb-figures.csv"
    return response


def _stream(database: str, ids: list[int] | None):
    """Rows are read while the response is sent, on a connection of the stream's own:
    the request's connection is closed once the view returns."""
    with Store(database, readonly=True) as store:
        yield from csv_lines(store.export_rows(ids))
