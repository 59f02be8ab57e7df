from flask import Blueprint, abort, render_template

from search_app.data import NotFound
from search_app.db import get_store

bp = Blueprint("models", __name__, url_prefix="/models")


@bp.get("/")
def index():
    return render_template("models.html", models=get_store().models_summary())


@bp.get("/<key>")
def show(key: str):
    try:
        model = get_store().model_detail(key)
    except NotFound:
        abort(404)
    return render_template("model.html", model=model)
