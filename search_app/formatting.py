"""Numbers and dates the Vietnamese way: 1.250 and 61,3; 05/12/2023. Registered as Jinja filters."""
from __future__ import annotations

import re

from corpus.answers import display_source

ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ][\d:.+\-Z]*)?")


def init_app(app) -> None:
    app.jinja_env.filters.update(number=number, as_of=vn_date, vn_date=vn_date, source_name=source_name)


def number(value) -> str:
    if value is None or value == "":
        return ""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, fraction = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def vn_date(value) -> str:
    """ "2023-12-05" (or a timestamp of that day) -> "05/12/2023", "2023-12" -> "12/2023", "2023" as it
    is; partial dates stay partial. Anything else is shown as it came."""
    if not value:
        return ""
    m = ISO_DATE.fullmatch(str(value).strip())
    if not m:
        return str(value)
    return "/".join(part for part in reversed(m.groups()) if part)


as_of = vn_date  # the name the model pages use for partial dates


def source_name(source: str | None) -> str:
    """A URL as it is, an imported file by its name only (never where someone keeps it)."""
    return display_source(source)
