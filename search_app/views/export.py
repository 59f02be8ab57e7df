"""Downloads for researchers: the facts (one row per fact) and the replication table, as CSV (UTF-8
with BOM), XLSX (typed cells) or JSON; formula-injection safe; the same filters as the pages."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app

from corpus import Store, answers, exports
from search_app.data import IndexMissing, NotFound, search_args, selected_ids
from search_app.model_data import fact_rows, model_data, model_filters, table_rows

bp = Blueprint("export", __name__, url_prefix="/export")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = "any(csv, xlsx, json)"


@bp.get(f"/figures.<{FORMATS}:fmt>")
def figures(fmt: str):
    args = search_args()
    try:
        ids = selected_ids(args)
    except IndexMissing:
        return Response("Chỉ mục tìm kiếm chưa được xây dựng: hãy chạy `policekb index`.\n", status=503,
                        mimetype="text/plain")
    if fmt == "csv":  # streamed on a connection of its own: the request's closes when the view returns
        return _download(_stream_facts(current_app.config["DATABASE"], ids), fmt, "policekb-so-lieu")
    with Store(current_app.config["DATABASE"], readonly=True) as store:
        rows = list(answers.fact_rows(store, ids, filters=args["filters"]))
    return _download(_body(rows, exports.FACT_COLUMNS, fmt, "so-lieu"), fmt, "policekb-so-lieu")


@bp.get(f"/replication.<{FORMATS}:fmt>")
def replication(fmt: str):
    with Store(current_app.config["DATABASE"], readonly=True) as store:
        rows = answers.replication_rows(store, filters=model_filters())
    flat = rows if fmt == "json" else [answers.flat(r) for r in rows]
    return _download(_body(flat, exports.REPLICATION_COLUMNS, fmt, "nhan-rong"), fmt, "policekb-nhan-rong")


@bp.get(f"/models/<model_id>/<any(replication, facts):what>.<{FORMATS}:fmt>")
def model(model_id: str, what: str, fmt: str):
    try:
        data = model_data(model_id, model_filters())
    except NotFound:
        abort(404)
    if what == "facts":
        rows, columns = fact_rows(data), exports.FACT_COLUMNS
    else:
        rows = data["rows"] + data["plans"] if fmt == "json" else table_rows(data)
        columns = exports.REPLICATION_COLUMNS
    name = "nhan-rong" if what == "replication" else "so-lieu"
    return _download(_body(rows, columns, fmt, name), fmt, f"policekb-{name}")


def _body(rows: list[dict], columns, fmt: str, sheet: str):
    if fmt == "csv":
        return exports.csv_lines(rows, columns)
    if fmt == "xlsx":
        return exports.xlsx_bytes(rows, columns, sheet_title=sheet)
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def _download(body, fmt: str, name: str) -> Response:
    response = Response(body, mimetype=MEDIA[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename={name}.{fmt}"
    return response


def _stream_facts(database: str, ids: list[int] | None):
    with Store(database, readonly=True) as store:
        yield from exports.csv_lines(answers.fact_rows(store, ids), exports.FACT_COLUMNS)
