"""The search page. Its links and labels are worked out here, in Python, and the template only
writes them out: a page has some ninety links, and building each in Jinja (a call through
Jinja's runtime, a URL build, attribute look-ups on dicts) cost three quarters of a request."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, render_template

from search_app.data import FACET_LABELS, KIND_LABELS, search_args, search_data
from search_app.formatting import vn_date
from search_app.links import app_url, document_url, query_pair, with_query

bp = Blueprint("search", __name__)

FACETS_SHOWN = 12
NUMBERS_SHOWN = 4
EXPORT_FORMATS = ("csv", "xlsx", "json")


@bp.get("/")
def index():
    args = search_args()
    data = search_data(args)  # IndexMissing: the 503 page of errors.index_missing
    return render_template("search.html", args=SimpleNamespace(**args), page=search_page(args, data))


def search_page(args: dict, data: dict) -> SimpleNamespace:
    q, sort, filters = args["q"], args["sort"], args["filters"]
    base = app_url("search.index")
    page, suggestion = data["page"], data["suggestion"]
    return SimpleNamespace(
        total=data["total"], page=page, pages=data["pages"], suggestion=suggestion,
        facets=_facet_sections(base, q, sort, filters, data["facets"]),
        hits=[_hit(hit, base) for hit in data["results"]],
        exports=SimpleNamespace(**{fmt: with_query(app_url("export.figures", fmt=fmt), q=q, **filters)
                                   for fmt in EXPORT_FORMATS}),
        unfiltered=with_query(base, q=q, sort=sort),
        suggestion_link=with_query(base, q=suggestion, **filters) if suggestion else None,
        closest_numbers=[(n, with_query(base, q=n)) for n in data["closest_numbers"]],
        previous=with_query(base, q=q, sort=sort, page=page - 1, **filters) if page > 1 else None,
        next=with_query(base, q=q, sort=sort, page=page + 1, **filters) if page < data["pages"] else None,
    )


def _facet_sections(base: str, q: str, sort: str, filters: dict, facets: dict) -> list[SimpleNamespace]:
    """Each facet with its first values: (link choosing it, label, count, link leaving it out or None)."""
    current = with_query(base, q=q, sort=sort, **filters)
    current += "&" if "?" in current else "?"
    sections = []
    for name, values in facets.items():
        if not values:
            continue
        shown = values[:FACETS_SHOWN]
        chosen = filters.get(name)
        if chosen is None:  # the value is added after the others: one prefix for all its links
            items = [(f"{current}{query_pair(name, item['value'])}", item["label"], item["count"], None)
                     for item in shown]
        else:  # it replaces the chosen value where that stood
            removing = with_query(base, q=q, sort=sort, **{k: v for k, v in filters.items() if k != name})
            items = [(with_query(base, q=q, sort=sort, **{**filters, name: item["value"]}), item["label"],
                      item["count"], removing if item["value"] == chosen else None) for item in shown]
        sections.append(SimpleNamespace(label=FACET_LABELS[name], items=items))
    return sections


def _hit(hit: dict, base: str) -> SimpleNamespace:
    return SimpleNamespace(
        href=document_url(hit["id"]), title=hit["title"] or "(không tiêu đề)",
        kind=KIND_LABELS.get(hit["kind"], hit["kind"]), published=vn_date(hit["published"]),
        numbers=[(n, with_query(base, q=n)) for n in hit["numbers"][:NUMBERS_SHOWN]],
        snippet=hit["snippet"], copies=[(other, document_url(other)) for other in hit["copies"]])
