"""Numbers the Vietnamese way: 1.250 and 61,3."""
from __future__ import annotations


def number(value) -> str:
    if value is None or value == "":
        return ""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, fraction = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def as_of(value) -> str:
    """ "2023-12-05" -> "05/12/2023", "2023-12" -> "12/2023", "2023" as it is."""
    if not value:
        return ""
    parts = str(value).split("-")
    return "/".join(reversed(parts))
