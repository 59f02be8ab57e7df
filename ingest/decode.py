"""Bytes to Unicode text without silently replacing characters.

Order: a BOM, UTF-8, the declared charset, then the single-byte legacy fonts
(TCVN3, VNI: bytes read as windows-1252 and converted, see ingest/legacy.py) and
windows-1258. Text in a legacy font that was already turned into Unicode
characters ("B¶o Th¾ng" saved as UTF-8) is converted as well."""
from __future__ import annotations

import codecs
import unicodedata

from ingest.document import ParseError
from ingest.legacy import fix_legacy

# windows-1258 writes Vietnamese with combining tone marks; NFC composes them.
FALLBACK_ENCODINGS = ("cp1258",)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# UTF-8 with a few bad bytes (a latin-1 "é" pasted into a UTF-8 page) is still UTF-8: at most this
# share of the bytes may be invalid, and the rest must hold real multi-byte UTF-8 (Vietnamese letters).
MAX_STRAY_SHARE = 0.01


def decode_text(data: bytes, declared: str | None = None) -> str:
    return decode_with_encoding(data, declared)[0]


def stray_bytes(data: bytes) -> int | None:
    """How many bytes break an otherwise UTF-8 text; None when it is not UTF-8 at all."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if bad == 0 or multibyte < 3 * bad or bad > max(1, MAX_STRAY_SHARE * len(data)):
        return None
    return bad


def decode_with_warnings(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): UTF-8 with a few stray bytes is read as UTF-8, those bytes
    replaced by U+FFFD, and a warning says so; a legacy encoding is tried only after that."""
    if not any(data.startswith(bom) for bom, _ in BOMS):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad = stray_bytes(data)
            if bad:
                text = data.decode("utf-8", "replace")
                return (unicodedata.normalize("NFC", _newlines(text)), "utf-8",
                        [f"{bad} byte(s) that are not UTF-8 were replaced by U+FFFD"])
    text, encoding = decode_with_encoding(data, declared)
    return text, encoding, []


def decode_with_encoding(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, what it was written in: "utf-8", "cp1258", "TCVN3", "VNI", ...)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _finish(data.decode(encoding), encoding)
    for encoding in dict.fromkeys(c.lower() for c in ["utf-8"] + ([declared] if declared else [])):
        try:
            return _finish(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    legacy = _legacy_font_text(data)
    if legacy is not None:
        return legacy
    for encoding in FALLBACK_ENCODINGS:
        try:
            return _finish(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("text is in no known encoding (tried utf-8, TCVN3, VNI, windows-1258)")


def _legacy_font_text(data: bytes) -> tuple[str, str] | None:
    """TCVN3 and VNI files are bytes of a font's private layout; Windows editors saved
    them as windows-1252 (latin-1 for the five bytes it leaves undefined)."""
    try:
        raw = data.decode("cp1252")
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    fixed, legacy = fix_legacy(_newlines(raw))
    return (unicodedata.normalize("NFC", fixed), legacy) if legacy else None


def _finish(text: str, encoding: str) -> tuple[str, str]:
    fixed, legacy = fix_legacy(_newlines(text))
    return unicodedata.normalize("NFC", fixed), legacy or encoding


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
