"""Server-side SVG charts: no JavaScript, no CDN, works offline under the CSP.

Every text that reaches the SVG is escaped; the result is Markup for templates."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

from search_app.formatting import number
from search_app.vn_outline import OUTLINE

WIDTH, HEIGHT, MARGIN = 640, 260, 44


def bar_chart(bars: list[tuple[str, float, str]], title: str) -> Markup:
    """bars: (label, value, tooltip) in order, e.g. one per year."""
    if not bars:
        return Markup("")
    top = max(value for _, value, _ in bars) or 1
    slot = (WIDTH - 2 * MARGIN) / len(bars)
    parts = [_open(WIDTH, HEIGHT, title), _axis_lines(top)]
    for i, (label, value, tip) in enumerate(bars):
        height = (HEIGHT - 2 * MARGIN) * value / top
        x, y = MARGIN + i * slot + slot * 0.15, HEIGHT - MARGIN - height
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}">'
                     f"<title>{escape(tip)}</title></rect>")
        parts.append(f'<text class="value" x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}">{escape(number(value))}</text>')
        parts.append(f'<text class="label" x="{x + slot * 0.35:.1f}" y="{HEIGHT - MARGIN + 16}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline_chart(series: list[dict], title: str) -> Markup:
    """series: {"label", "points": [(as_of, value), …]}: each a place's stated values over time.
    Nothing is summed: a line joins the versions of one count."""
    points = [p for s in series for p in s["points"]]
    if not points:
        return Markup("")
    times = [_year_fraction(t) for t, _ in points]
    low, high = math.floor(min(times)), math.ceil(max(times))  # whole years, so each year is labelled
    high = max(high, low + 1)
    top = max(v for _, v in points) or 1
    legend_height = 16 * len(series)
    parts = [_open(WIDTH, HEIGHT + legend_height, title), _axis_lines(top)]

    def xy(t: str, v: float) -> tuple[float, float]:
        x = MARGIN + (_year_fraction(t) - low) / (high - low) * (WIDTH - 2 * MARGIN)
        return x, HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * v / top

    for year in range(low, high + 1):
        x = MARGIN + (year - low) / (high - low) * (WIDTH - 2 * MARGIN)
        parts.append(f'<text class="label" x="{x:.1f}" y="{HEIGHT - MARGIN + 16}">{year}</text>')
    for i, one in enumerate(series):
        coords = [xy(t, v) for t, v in one["points"]]
        if len(coords) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline class="series s{i}" points="{line}"/>')
        for (t, v), (x, y) in zip(one["points"], coords):
            tip = f"{one['label']}: {number(v)} ({t})"
            parts.append(f'<circle class="dot s{i}" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tip)}</title></circle>')
        parts.append(f'<text class="legend s{i}" x="{MARGIN}" y="{HEIGHT + 12 + 16 * i}">● {escape(one["label"])}: '
                     f'{escape(number(one["points"][-1][1]))} ({escape(one["points"][-1][0])})</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _year_fraction(as_of: str) -> float:
    parts = [int(p) for p in as_of.split("-")]
    year, month, day = (parts + [12, 28])[:3] if len(parts) == 1 else (parts + [28])[:3]
    return year + (month - 1) / 12 + (day - 1) / 365


def _axis_lines(top: float) -> str:
    base = HEIGHT - MARGIN
    return (f'<line class="axis" x1="{MARGIN}" y1="{base}" x2="{WIDTH - MARGIN}" y2="{base}"/>'
            f'<text class="tick" x="{MARGIN - 6}" y="{MARGIN + 4}">{escape(number(top))}</text>'
            f'<line class="grid" x1="{MARGIN}" y1="{MARGIN}" x2="{WIDTH - MARGIN}" y2="{MARGIN}"/>')


MAP_BOX = (102.0, 110.0, 8.3, 23.5)   # lon min, lon max, lat min, lat max: Việt Nam's mainland
MAP_WIDTH, MAP_HEIGHT = 300, 520


def place_map(points: list[dict], title: str) -> Markup:
    """points: dicts with lat, lon, label and weight (circle area grows with weight)."""
    parts = [_open(MAP_WIDTH, MAP_HEIGHT, title)]
    outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(lon, lat) for lon, lat in OUTLINE))
    parts.append(f'<polygon class="land" points="{outline}"/>')
    heaviest = max((p.get("weight") or 1 for p in points), default=1)
    for point in sorted(points, key=lambda p: -(p.get("weight") or 1)):
        if point.get("lat") is None or point.get("lon") is None:
            continue
        x, y = _project(point["lon"], point["lat"])
        radius = 3 + 9 * math.sqrt((point.get("weight") or 1) / heaviest)
        parts.append(f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}">'
                     f'<title>{escape(point.get("label") or "")}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _project(lon: float, lat: float) -> tuple[float, float]:
    lon_min, lon_max, lat_min, lat_max = MAP_BOX
    pad = 10
    x = pad + (lon - lon_min) / (lon_max - lon_min) * (MAP_WIDTH - 2 * pad)
    y = pad + (lat_max - lat) / (lat_max - lat_min) * (MAP_HEIGHT - 2 * pad)
    return x, y


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>')
