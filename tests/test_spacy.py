"""The spaCy interface: the "policekb" component, the DocBin export and displaCy JSON."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.spacy_render import SPAN_KEYS, displacy_ents, displacy_json, labelled_facts, tokenize

ROOT = Path(__file__).resolve().parents[1]
HAS_SPACY = importlib.util.find_spec("spacy") is not None
needs_spacy = pytest.mark.skipif(not HAS_SPACY, reason="spaCy is not importable in this environment")

TEXT = ("Thực hiện Kế hoạch số 312/KH-CAH ngày 20/4/2023 của Công an huyện Cam Lộ, "
        "mô hình “Camera an ninh” đã được xây dựng tại 45 điểm trên địa bàn tỉnh Quảng Trị. "
        "Công an xã vận động 1.250 hộ gia đình tham gia.")


@pytest.fixture(scope="module")
def pipeline():
    pytest.importorskip("spacy", reason="spaCy is not importable in this environment", exc_type=ImportError)
    from nlp.spacy_pipeline import spacy_pipeline
    return spacy_pipeline()


def _extraction(text: str) -> dict:
    from dataclasses import dataclass

    from nlp import extract

    @dataclass
    class Document:
        source: str
        text: str

    return extract(Document("test", text)).as_dict()


def test_importing_nlp_does_not_import_spacy():
    code = ("import sys; import nlp, nlp.extraction, nlp.spacy_render, policekb.cli; "
            "from nlp.spacy_render import displacy_json; "
            "print(json.dumps(sorted(m for m in ('spacy', 'thinc') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == []


def test_tokenize_keeps_every_character():
    text = "  Mô hình “Camera an ninh”:\n\n 1.250,5 hộ;  45 điểm. \n"
    words, spaces = tokenize(text)
    assert "".join(w + " " * s for w, s in zip(words, spaces)) == text
    assert "1.250,5" in words and "“" in words and "Camera" in words
    assert all(w.strip() for w, s in zip(words, spaces) if s)  # a trailing space follows a real token


@needs_spacy
def test_component_fills_span_groups_with_facts(pipeline):
    doc = pipeline(TEXT)
    assert doc.text == TEXT
    assert set(SPAN_KEYS) <= set(doc.spans)

    (model,) = doc.spans["models"]
    assert (model.text, model.label_) == ("Camera an ninh", "MODEL")
    assert model._.canonical == "camera an ninh" and model._.policekb["name"] == "Camera an ninh"

    places = {(s.text, s.label_, s._.level) for s in doc.spans["places"]}
    assert ("Cam Lộ", "PLACE", "huyện") in places and ("Quảng Trị", "PLACE", "tỉnh") in places
    cam_lo = next(s for s in doc.spans["places"] if s.text == "Cam Lộ")
    assert cam_lo._.province == "Quảng Trị"

    (ref,) = doc.spans["doc_refs"]
    assert ref.label_ == "DOC_REF" and "312/KH-CAH" in ref.text
    assert ref._.number == "312/KH-CAH" and ref._.type == "Kế hoạch" and ref._.date == "2023-04-20"

    counts = {s.text: s for s in doc.spans["counts"]}
    assert counts["45 điểm"].label_ == "MODEL_COUNT"
    assert (counts["45 điểm"]._.model, counts["45 điểm"]._.value, counts["45 điểm"]._.unit) == ("Camera an ninh", 45, "điểm")
    assert counts["45 điểm"]._.status == "achieved"
    household = next(s for s in doc.spans["counts"] if s.text.startswith("1.250 hộ"))
    assert household.label_ == "COUNT" and household._.value == 1250 and household._.model is None
    # the figure "45 điểm" is the model count, not a second span
    assert [s.text for s in doc.spans["counts"]].count("45 điểm") == 1
    assert doc._.policekb["kind"] == "article"


@needs_spacy
def test_spans_sit_on_the_extracted_offsets(pipeline):
    doc = pipeline(TEXT)
    ex = _extraction(TEXT)
    expected = sorted((start, end, label) for _, label, start, end, _ in labelled_facts(ex))
    got = sorted((s.start_char, s.end_char, s.label_) for key in SPAN_KEYS for s in doc.spans[key])
    assert got == expected  # the tokenizer puts a boundary at each fact's edges: no widening


@needs_spacy
def test_blank_vi_with_project_tokenizer_and_add_pipe(pipeline):
    import spacy

    import nlp.spacy_pipeline  # noqa: F401  registers the tokenizer and the factory

    nlp_ = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "policekb.Tokenizer.v1"}}})
    nlp_.add_pipe("policekb")
    doc = nlp_("Mô hình “Tiếng kẻng an ninh” được nhân rộng ra 20 thôn ở xã Cam Hiếu.")
    assert [s.text for s in doc.spans["models"]] == ["Tiếng kẻng an ninh"]
    assert [(s.text, s._.model) for s in doc.spans["counts"]] == [("20 thôn", "Tiếng kẻng an ninh")]


@needs_spacy
def test_annotate_skips_facts_it_cannot_place(pipeline):
    from nlp.spacy_pipeline import annotate

    text = "Lắp đặt 12 mắt camera."
    doc = annotate(pipeline.make_doc(text), {
        "figures": [{"value": 12, "unit": "mắt camera", "start": 8, "end": 21},
                    {"value": 3, "unit": "điểm", "start": 40, "end": 45},       # past the end
                    {"value": 4, "unit": "điểm"}],                              # no offsets
        "models": [{"name": "X", "mentions": [[10, 12]]}],                     # inside a token: widened
    })
    assert [(s.text, s._.value) for s in doc.spans["counts"]] == [("12 mắt camera", 12)]
    assert [s.text for s in doc.spans["models"]] == ["mắt"]
    assert list(doc.spans["places"]) == [] and list(doc.spans["doc_refs"]) == []


@needs_spacy
def test_docbin_round_trip_keeps_spans_labels_and_attributes(pipeline):
    from spacy.tokens import DocBin

    from nlp.spacy_pipeline import to_docbin

    records = [TEXT, {"id": 7, "source": "https://example.vn/a", "title": "Camera an ninh ở Cam Lộ",
                      "text": TEXT, "published": "2024-03-12"}]
    data = to_docbin(records, pipeline).to_bytes()
    first, second = DocBin().from_bytes(data).get_docs(pipeline.vocab)
    original = pipeline(TEXT)
    for doc in (first, second):
        assert doc.text == TEXT
        for key in SPAN_KEYS:
            assert [(s.start, s.end, s.label_) for s in doc.spans[key]] == \
                   [(s.start, s.end, s.label_) for s in original.spans[key]]
        counts = {s.text: s for s in doc.spans["counts"]}
        assert counts["45 điểm"]._.model == "Camera an ninh" and counts["45 điểm"]._.policekb["value"] == 45
    assert second.user_data["id"] == 7 and second.user_data["source"] == "https://example.vn/a"
    assert second.user_data["title"] == "Camera an ninh ở Cam Lộ"
    assert second._.policekb["published"] == "2024-03-12"  # metadata reached extract()
    assert "id" not in first.user_data


@needs_spacy
def test_docbin_uses_a_given_extraction(pipeline):
    from spacy.tokens import DocBin

    from nlp.spacy_pipeline import to_docbin

    text = "Có 5 tổ tự quản."
    given = {"figures": [{"value": 5, "unit": "tổ", "start": 3, "end": 7}], "title": "T"}
    (doc,) = DocBin().from_bytes(to_docbin([{"text": text, "extraction": given}], pipeline).to_bytes()) \
        .get_docs(pipeline.vocab)
    assert [(s.text, s.label_, s._.unit) for s in doc.spans["counts"]] == [("5 tổ", "COUNT", "tổ")]


@needs_spacy
def test_docbin_of_store_rows(store, corpus_dir, pipeline):
    from policekb.pipeline import import_paths
    from spacy.tokens import DocBin

    from nlp.spacy_pipeline import to_docbin

    import_paths(store, [corpus_dir])
    rows = list(store.documents())
    docs = list(DocBin().from_bytes(to_docbin(rows, pipeline).to_bytes()).get_docs(pipeline.vocab))
    assert [d.user_data["id"] for d in docs] == [r["id"] for r in rows]
    for doc, row in zip(docs, rows):
        facts = store.facts(row["id"])
        assert doc.user_data["source"] == row["source"]
        assert len(doc.spans["doc_refs"]) == len([r for r in facts["doc_refs"] if r["start_offset"] is not None])
        assert sorted(s._.value for s in doc.spans["counts"] if s.label_ == "MODEL_COUNT") == \
               sorted(c["value"] for c in facts["model_counts"])
        # the stored facts give the same spans as extracting again, in spaCy and in displaCy JSON
        from_store = to_docbin([{**row, "extraction": facts}], pipeline)
        (stored,) = DocBin().from_bytes(from_store.to_bytes()).get_docs(pipeline.vocab)
        for key in SPAN_KEYS:
            assert [(s.start, s.end, s.label_) for s in stored.spans[key]] == \
                   [(s.start, s.end, s.label_) for s in doc.spans[key]], (row["source"], key)
        data = displacy_json(row["text"], facts, title=row["title"])
        assert sorted((s["start_token"], s["end_token"], s["label"]) for s in data["spans"]) == \
               sorted((s.start, s.end, s.label_) for key in SPAN_KEYS for s in doc.spans[key])


@needs_spacy
def test_pipeline_saves_and_loads(pipeline, tmp_path):
    import spacy

    pipeline.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == ["policekb"]
    doc = loaded(TEXT)
    assert [s.text for s in doc.spans["models"]] == ["Camera an ninh"]


def test_displacy_json_shape():
    ex = _extraction(TEXT)
    data = displacy_json(TEXT, ex, title="Camera")
    assert set(data) == {"text", "spans", "tokens", "title"}
    assert data["text"] == TEXT and data["title"] == "Camera"
    assert data["tokens"] == tokenize(TEXT)[0]
    assert {s["label"] for s in data["spans"]} == {"MODEL", "PLACE", "DOC_REF", "MODEL_COUNT", "COUNT"}
    for span in data["spans"]:
        assert {"start", "end", "start_token", "end_token", "label"} <= set(span)
        assert "".join(data["tokens"][span["start_token"]:span["end_token"]]).replace(" ", "") == \
               TEXT[span["start"]:span["end"]].replace(" ", "")
    count = next(s for s in data["spans"] if s["label"] == "MODEL_COUNT")
    assert TEXT[count["start"]:count["end"]] == "45 điểm" and "Camera an ninh" in count["kb_id"]
    json.dumps(data, ensure_ascii=False)  # JSON-ready

    ents = displacy_ents(TEXT, ex)
    assert set(ents) == {"text", "ents", "title"}
    assert all(a["end"] <= b["start"] for a, b in zip(ents["ents"], ents["ents"][1:]))  # no overlaps
    assert "DOC_REF" in {e["label"] for e in ents["ents"]}


@needs_spacy
def test_displacy_json_matches_the_doc_and_renders(pipeline):
    from spacy import displacy

    doc = pipeline(TEXT)
    data = displacy_json(TEXT, _extraction(TEXT))
    assert data["tokens"] == [t.text for t in doc]
    assert sorted((s["start_token"], s["end_token"], s["label"]) for s in data["spans"]) == \
           sorted((s.start, s.end, s.label_) for key in SPAN_KEYS for s in doc.spans[key])
    html = displacy.render(data, style="span", manual=True)
    assert "MODEL_COUNT" in html and "Camera" in html
    assert "DOC_REF" in displacy.render(displacy_ents(TEXT, _extraction(TEXT)), style="ent", manual=True)


def test_cli_exports_the_knowledge_base_as_a_docbin(tmp_path, corpus_dir, capsys):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from policekb.cli import main

    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(corpus_dir)]) == 0
    target = tmp_path / "corpus.spacy"
    assert main(["--home", home, "export", "spacy", "-o", str(target)]) == 0
    assert "wrote 3 documents" in capsys.readouterr().out
    docs = list(DocBin().from_disk(target).get_docs(spacy.blank("xx").vocab))
    assert len(docs) == 3
    camera = next(d for d in docs if "Camera an ninh" in d.text)
    assert "Camera an ninh" in [s.text for s in camera.spans["models"]]
    assert main(["--home", home, "export", "spacy"]) == 2  # binary: needs -o
