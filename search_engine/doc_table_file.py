"""The per-document arrays of one index generation, saved beside the index.

Reading them from Whoosh means a Python call per document (field lengths, dates,
facet postings): seconds at 100,000 documents, paid by every process that opens
the index. The first reader of a generation saves them; later ones load one file.
The file is named after the generation's TOC, so an index changed by a writer is
never read with another generation's arrays.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

PREFIX = "policekb-doctable-"


def file_for(folder: Path, generation: str) -> Path:
    return folder / f"{PREFIX}{generation}.npz"


def load(path: Path):
    """The saved DocTable parts, or None when there is no readable file."""
    from search_engine.postings import DocTable, Facet

    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {key: saved[key] for key in saved.files}
    except (OSError, ValueError, KeyError):
        return None
    try:
        meta = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
        table = DocTable(int(meta["size"]), arrays["live"], arrays["dates"], arrays["lengths"])
        for name, facet in meta["facets"].items():
            table.facets[name] = Facet(facet["values"], arrays[f"{name}.doc"], arrays[f"{name}.code"], facet["multi"])
        table._ids = arrays["ids"]
    except (KeyError, ValueError, TypeError):
        return None
    return table


def save(path: Path, table) -> None:
    """Written to a temporary file and renamed: a concurrent reader sees the whole file or none.
    Files of older generations are removed."""
    meta = {"size": table.size,
            "facets": {name: {"values": f.values, "multi": f.multi} for name, f in table.facets.items()}}
    arrays = {"live": table.live, "dates": table.dates, "lengths": table.lengths, "ids": table._ids,
              "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8)}
    for name, facet in table.facets.items():
        arrays[f"{name}.doc"], arrays[f"{name}.code"] = facet.doc, facet.code
    if not write_npz(path, arrays):  # a read-only folder or a full disk: readers compute the arrays
        return
    for old in path.parent.glob(f"{PREFIX}*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def write_npz(path: Path, arrays: dict) -> bool:
    """Arrays to `path` through a temporary file and a rename, so a concurrent reader sees the whole
    file or none; False (and nothing left behind) when the folder cannot take it."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".policekb-", suffix=".npz")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
