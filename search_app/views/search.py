from flask import Blueprint, render_template, request

from search_app.data import FACET_LABELS, KIND_LABELS, IndexMissing, search_args, search_data

bp = Blueprint("search", __name__)


@bp.get("/")
def index():
    args = search_args()
    try:
        data = search_data(args)
    except IndexMissing:
        return render_template("missing_index.html"), 503
    return render_template("search.html", args=args, data=data, facet_labels=FACET_LABELS,
                           kind_labels=KIND_LABELS, query_string=request.args)
