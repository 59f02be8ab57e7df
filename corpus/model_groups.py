"""One model, many spellings: group model keys across documents.

match_key already unifies accents, quotes and abbreviations ("ANTT" = "an ninh,
trật tự"); on top of it, keys a typo apart (rapidfuzz ratio >= 92) and keys cut
short by one word ("tieng keng an" / "tieng keng an ninh") join the group of the
spelling found in most documents."""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from nlp.normalize import fold

SIMILARITY = 92


@dataclass
class ModelGroup:
    id: str                       # the key of the spelling found in most documents
    name: str
    keys: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    documents: int = 0
    counts: int = 0

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "keys": self.keys, "variants": self.variants,
                "documents": self.documents, "counts": self.counts}


def _same_model(key: str, other: str) -> bool:
    if fuzz.ratio(key, other) >= SIMILARITY:
        return True
    short, long = sorted((key.split(), other.split()), key=len)
    return len(short) >= 3 and len(long) - len(short) == 1 and long[:len(short)] == short


def group_models(variants: list[dict], documents_by_key: dict[str, set[int]] | None = None) -> list[ModelGroup]:
    """variants: rows of Store.model_variants(), most documents first; documents_by_key
    (Store.model_document_ids()) makes document counts exact when spellings share documents."""
    groups: list[ModelGroup] = []
    by_key: dict[str, ModelGroup] = {}
    for row in variants:
        key = row["model_key"]
        group = by_key.get(key) or next((g for g in groups if any(_same_model(key, k) for k in g.keys)), None)
        if group is None:
            group = ModelGroup(key, row["name"])
            groups.append(group)
        if key not in group.keys:
            group.keys.append(key)
        if row["name"] not in group.variants:
            group.variants.append(row["name"])
        group.documents += row["documents"]
        group.counts += row["counts"]
        by_key[key] = group
    if documents_by_key is not None:
        for group in groups:
            group.documents = len(set().union(*(documents_by_key.get(k, set()) for k in group.keys)))
    return sorted(groups, key=lambda g: (-g.documents, -g.counts, g.name))


def group_of_key(groups: list[ModelGroup]) -> dict[str, str]:
    return {key: group.id for group in groups for key in group.keys}


def find_group(groups: list[ModelGroup], key: str) -> ModelGroup | None:
    return next((g for g in groups if key in g.keys), None)


def matching_groups(groups: list[ModelGroup], text: str) -> list[ModelGroup]:
    """Groups whose spellings contain every word of text, accents ignored."""
    words = fold(text).split()
    if not words:
        return groups
    return [g for g in groups if any(all(w in fold(v) for w in words) for v in g.variants)]
