from flask import Blueprint, abort, render_template, request

from search_app import svg
from search_app.data import NotFound
from search_app.model_data import map_points, model_data, model_filters, model_list, timeline

bp = Blueprint("models", __name__, url_prefix="/models")


@bp.get("/")
def index():
    text = request.args.get("q", "")[:200]
    return render_template("models.html", models=model_list(text), q=text)


@bp.get("/<model_id>")
def show(model_id: str):
    try:
        model = model_data(model_id, model_filters())
    except NotFound:
        abort(404)
    chart = svg.timeline_chart(timeline(model), f"Số lượng đã đạt của mô hình “{model['name']}” theo thời gian")
    places = svg.place_map(map_points(model), f"Địa bàn nhân rộng mô hình “{model['name']}”")
    return render_template("model.html", model=model, chart=chart, map=places)
