from flask import Blueprint, abort, render_template, request

from search_app import svg
from search_app.data import NotFound
from search_app.model_data import model_data, model_filters, model_list

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
    return render_template("model.html", model=model, chart=_chart(model), map=_map(model))


def _chart(model: dict):
    bars = [(row["year"], float(row["statements"]), _year_tip(row)) for row in model["by_year"] if row["year"] != "—"]
    return svg.bar_chart(bars, f"Số liệu nhân rộng mô hình “{model['name']}” theo năm")


def _year_tip(row: dict) -> str:
    totals = "; ".join(f"{t['count']:g} {t['unit']}" for t in row["totals"])
    return f"{row['year']}: {row['statements']} số liệu, {row['places']} địa bàn ({totals})"


def _map(model: dict):
    points: dict = {}
    for m in model["mentions"]:
        if m["lat"] is None or m["lon"] is None:
            continue
        point = points.setdefault((m["lat"], m["lon"]), {"lat": m["lat"], "lon": m["lon"], "weight": 0, "items": []})
        point["weight"] += 1
        point["items"].append(f"{m['count']:g} {m['unit'] or ''} – {m['place']}")
    for point in points.values():
        point["label"] = "; ".join(point.pop("items")[:6])
    return svg.place_map(list(points.values()), f"Địa bàn nhân rộng mô hình “{model['name']}”")
