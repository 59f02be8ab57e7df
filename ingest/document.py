"""The record every parser produces."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


class ParseError(ValueError):
    """Raised when a file cannot be read as a document; the message says why."""


@dataclass
class Document:
    source: str
    text: str
    media_type: str
    content_hash: str
    title: str | None = None
    published: str | None = None
    kind: str | None = None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
