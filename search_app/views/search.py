from flask import Blueprint, render_template, url_for

from search_app.links import search_link
from search_app.data import FACET_LABELS, KIND_LABELS, search_args, search_data

bp = Blueprint("search", __name__)


@bp.get("/")
def index():
    args = search_args()
    data = search_data(args)  # IndexMissing: the 503 page of errors.index_missing
    remove_links = {name: search_link(q=args["q"], sort=args["sort"],
                                  **{k: v for k, v in args["filters"].items() if k != name})
                    for name in args["filters"]}
    return render_template("search.html", args=args, data=data, facet_labels=FACET_LABELS,
                           kind_labels=KIND_LABELS, remove_links=remove_links)
