"""nlp.segment splits sentences with underthesea's own Punkt-style rules, run by a faster loop: the
splits must stay those of underthesea.sent_tokenize (an upgrade that changes its rules shows here)."""
import random

from underthesea import sent_tokenize

from nlp.segment import _sent_tokenize, paragraphs
from policekb.cli import samples_dir

TRICKY = ["Xin chào. Tôi là Claude.", "Giá 1.500.000 đồng. Hết.", "TP. Hồ Chí Minh có 22 quận...Đúng vậy",
          "Ông Nguyễn V. A. đã đến... rồi đi. Thế thôi?! Vâng.", "e.g. đây là ví dụ. Mr. Smith đến.", "", "   ",
          "Cuối câu...", "Một câu!!! Hai câu?? Ba…", "số 5.\n\nThôn 3. Xã Hàm Mỹ.\r\nHết"]


def test_the_same_splits_as_underthesea():
    texts = list(TRICKY)
    for path in sorted(samples_dir().rglob("*.txt")):
        texts += [p.text for p in paragraphs(path.read_text(encoding="utf-8"))]
    rng = random.Random(1)
    pieces = ["a", "B", " ", ".", "...", "?", "!", "\n", "\t", "1", "1.5", "TP.", "tp.", "e.g.", "Đ", "…", "v.v."]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    split = _sent_tokenize()
    assert [split(t) for t in texts] == [sent_tokenize(t) for t in texts]
