"""One model, many spellings: group model keys across documents.

match_key already unifies accents, quotes and abbreviations ("ANTT" = "an ninh,
trật tự"); on top of it, keys a typo apart (rapidfuzz ratio >= 92) and names one
inserted word apart ("Tổ tự quản đường biên, mốc quốc giới" / "Tổ nhân dân tự quản
…", see nlp.models.one_word_inserted) join the group of the spelling found in most
documents. Then a short form ("camera", "tieng keng an" cut from "tieng keng an
ninh", "to lien gia tu quan") joins the one group whose keys it opens; when it opens
several ("camera an ninh", "camera giam sat") it stays apart, so distinct models
sharing a head are never merged."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from nlp.models import bare, one_word_inserted
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

    def absorb(self, other: ModelGroup) -> None:
        """Take in a short form's group; the group is named by its most documented full spelling."""
        if other.documents > self.documents and not bare(other.name):
            self.id, self.name = other.id, other.name
        self.keys += [k for k in other.keys if k not in self.keys]
        self.variants += [v for v in other.variants if v not in self.variants]
        self.documents += other.documents
        self.counts += other.counts


def _same_model(key: str, name: str, group: ModelGroup) -> bool:
    return any(_typo_apart(key, k) for k in group.keys) or any(one_word_inserted(name, v) for v in group.variants)


def _typo_apart(key: str, other: str) -> bool:
    """ "to lien gja …" / "to lien gia …"; but numbers tell models apart ("to hoa giai 3 gioi" / "… 5 gioi")."""
    numbers = [w for w in key.split() if w.isdigit()], [w for w in other.split() if w.isdigit()]
    if numbers[0] != numbers[1] or fuzz.ratio(key, other) < SIMILARITY:
        return False
    words, others = key.split(), other.split()
    if len(words) != len(others):
        return True  # a space lost or added inside a word
    # A typo changes letters of a word; another word ("cụm" / "khu dân cư") is another model.
    return all(fuzz.ratio(a, b) >= 60 for a, b in zip(words, others) if a != b)


def group_models(variants: list[dict], documents_by_key: dict[str, set[int]] | None = None) -> list[ModelGroup]:
    """variants: rows of Store.model_variants(), most documents first; documents_by_key
    (Store.model_document_ids()) makes document counts exact when spellings share documents."""
    groups: list[ModelGroup] = []
    by_key: dict[str, ModelGroup] = {}
    for row in variants:
        key = row["model_key"]
        group = by_key.get(key) or next((g for g in groups if _same_model(key, row["name"], g)), None)
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
    groups = _join_short_forms(groups)
    if documents_by_key is not None:
        for group in groups:
            group.documents = len(set().union(*(documents_by_key.get(k, set()) for k in group.keys)))
    return sorted(groups, key=lambda g: (-g.documents, -g.counts, g.name))


def _join_short_forms(groups: list[ModelGroup]) -> list[ModelGroup]:
    """A group whose keys open the keys of exactly one other group joins it, longest first, so that
    "camera" can join "camera an ninh" after "camera an ninh" joined "camera an ninh phong chong …".
    The merged group keeps the id and name of its most documented spelling that is no bare noun."""
    owner = list(range(len(groups)))

    def find(i: int) -> int:
        while owner[i] != i:
            i = owner[i]
        return i

    opened_by: dict[str, set[int]] = defaultdict(set)   # a key's word-prefix -> groups with such keys
    for i, group in enumerate(groups):
        for key in group.keys:
            words = key.split()
            for n in range(1, len(words)):
                opened_by[" ".join(words[:n])].add(i)
    longest = sorted(range(len(groups)), key=lambda i: -max(len(k) for k in groups[i].keys))
    for i in longest:
        opened = {find(j) for key in groups[i].keys for j in opened_by.get(key, ())} - {find(i)}
        if len(opened) == 1:
            target = opened.pop()
            groups[target].absorb(groups[find(i)])
            owner[find(i)] = target
    return [g for i, g in enumerate(groups) if find(i) == i]


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
