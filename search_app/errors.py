"""Errors people can act on: Vietnamese pages that extend base.html, JSON under /api
({"error": message, "status": code}), and date filters checked before any view runs, so a
mistyped year is answered with 400 instead of being silently ignored."""
from __future__ import annotations

import calendar
import datetime as dt
import os
import re

from flask import abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from corpus import backend

from corpus import NotFound as NoRecord
from search_engine.engine import IndexMissing

TITLES = {
    400: ("Yêu cầu không hợp lệ", "Địa chỉ hoặc tham số của yêu cầu không hợp lệ."),
    404: ("Không tìm thấy", "Không có trang hay tài liệu nào ở địa chỉ này: có thể địa chỉ bị gõ sai "
                            "hoặc tài liệu không còn trong cơ sở tri thức."),
    405: ("Phương thức không được hỗ trợ", "Địa chỉ này không nhận phương thức {method}."),
    413: ("Yêu cầu quá lớn", "Yêu cầu gửi lên quá lớn."),
    500: ("Lỗi máy chủ", "Đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau; nếu lỗi lặp lại, "
                         "hãy báo cho người quản trị."),
    503: ("Dịch vụ tạm thời gián đoạn", "Máy chủ tạm thời chưa phục vụ được. Vui lòng thử lại sau ít phút."),
}
YEAR = re.compile(r"\d{4}")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def init_app(app) -> None:
    app.before_request(_check_request)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(IndexMissing, index_missing)
    app.register_error_handler(NoRecord, lambda error: http_error(NotFound()))


def is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def http_error(error: HTTPException):
    code = error.code or 500
    title, default = TITLES.get(code, ("Lỗi", "Không xử lý được yêu cầu."))
    # A view's own description (Vietnamese, about this request) beats the generic text.
    own = error.description if error.description != type(error).description else None
    message = own or default.format(method=request.method)
    response = error_response(code, title, message)
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # keep Allow (405) and Retry-After (503)
            response.headers[name] = value
    return response


def error_response(code: int, title: str, message: str, template: str = "error.html", **context):
    if is_api():
        response = jsonify(error=message, status=code)
    else:
        response = current_app.make_response(render_template(template, status=code, title=title,
                                                              message=message, **context))
    response.status_code = code
    return response


def index_missing(error: IndexMissing):
    if error.building:
        message = "Chỉ mục tìm kiếm đang được xây dựng. Vui lòng thử lại sau ít phút."
    else:
        message = "Chỉ mục tìm kiếm chưa được xây dựng: hãy chạy `policekb index` rồi thử lại."
    response = error_response(503, "Chưa tìm kiếm được", message, "missing_index.html", building=error.building)
    response.headers["Retry-After"] = "60" if error.building else "600"
    return response


def _check_request():
    if request.endpoint in (None, "static"):  # an unknown address is a 404 whatever its parameters
        return
    database = current_app.config["DATABASE"]
    if not (backend.is_url(database) or os.path.exists(database)):  # a server's database is checked on use
        abort(503, description="Chưa có cơ sở tri thức: hãy chạy `policekb import` hoặc `policekb demo`.")
    problem = filter_problem(request.args)
    if problem:
        abort(400, description=problem)


def filter_problem(args) -> str | None:
    """What is wrong with the year, from and to filters, in Vietnamese; None when they are valid
    (YYYY; YYYY, YYYY-MM or YYYY-MM-DD)."""
    year = args.get("year")
    if year and not (YEAR.fullmatch(year) and int(year) > 0):
        return f"Năm không hợp lệ: year={_shown(year)}. Hãy viết năm bằng bốn chữ số, ví dụ year=2023."
    bounds = {}
    for name in ("from", "to"):
        value = args.get(name)
        if value:
            bounds[name] = date_bounds(value)
            if bounds[name] is None:
                return (f"Ngày không hợp lệ: {name}={_shown(value)}. Hãy viết YYYY, YYYY-MM hoặc YYYY-MM-DD, "
                        f"ví dụ {name}=2023-05-16.")
    if len(bounds) == 2 and bounds["from"][0] > bounds["to"][1]:
        return f"Khoảng thời gian không hợp lệ: from={args['from']} sau to={args['to']}."
    return None


def date_bounds(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a YYYY, YYYY-MM or YYYY-MM-DD value covers; None when it is no date."""
    m = DATE.fullmatch(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return (dt.date(year, int(month), int(day)),) * 2
        if month:
            return dt.date(year, int(month), 1), dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:  # month 13, 30 February, year 0
        return None


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"
