"""CSV and JSON export of figures and model counts: UTF-8 (CSV with BOM so Excel
shows Vietnamese), formula-injection safe, streamed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from corpus import Store
from search_app.csv_export import csv_lines, json_lines
from search_app.data import IndexMissing, NotFound, search_args, selected_ids
from search_app.model_data import export_rows, model_data, model_filters

bp = Blueprint("export", __name__, url_prefix="/export")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@bp.get("/figures.<any(csv, json):fmt>")
def figures(fmt: str):
    args = search_args()
    try:
        ids = selected_ids(args)
    except IndexMissing:
        return Response("Chỉ mục tìm kiếm chưa được xây dựng: hãy chạy `policekb index`.\n", status=503,
                        mimetype="text/plain")
    return _download(_stream(current_app.config["DATABASE"], ids, fmt), fmt, "policekb-figures")


@bp.get("/models/<model_id>.<any(csv, json):fmt>")
def model(model_id: str, fmt: str):
    try:
        data = model_data(model_id, model_filters())
    except NotFound:
        abort(404)
    rows = list(export_rows(data))
    return _download(csv_lines(rows) if fmt == "csv" else json_lines(rows), fmt, "policekb-model")


def _download(lines, fmt: str, name: str) -> Response:
    response = Response(lines, mimetype=MEDIA[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename={name}.{fmt}"
    return response


def _stream(database: str, ids: list[int] | None, fmt: str):
    """Rows are read while the response is sent, on a connection of the stream's own:
    the request's connection is closed once the view returns."""
    with Store(database, readonly=True) as store:
        rows = store.export_rows(ids)
        yield from (csv_lines(rows) if fmt == "csv" else json_lines(rows))
