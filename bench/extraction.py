"""Extraction throughput on one core over generated 600-word articles.

Prints documents/s and words/s, and how the time splits between sentence
segmentation and the extractors. Run: .venv/bin/python bench/extraction.py [N]"""
from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass

from nlp import extract
from nlp import segment

PARTS = [
    "Thực hiện Kế hoạch số {n}/KH-CAT-PV05 ngày {d}/{m}/2023 của Công an tỉnh, huyện {place} đã triển khai mô hình “{model}”.",
    "Đến nay, mô hình “{model}” được xây dựng tại {n} điểm trên địa bàn xã {place}, thu hút {big} hộ gia đình tham gia.",
    "Lực lượng Công an xã đã vận động {n} trường hợp cai nghiện, giải tán {n} nhóm thanh niên tụ tập gây mất an ninh trật tự.",
    "Tổng kinh phí xã hội hóa khoảng {n} triệu đồng, lắp đặt {n} mắt camera tại các tuyến đường trọng điểm.",
    "Ban chỉ đạo 138 huyện tổ chức hội nghị sơ kết 01 năm, khen thưởng {n} tập thể và {n} cá nhân có thành tích xuất sắc.",
    "Qua đó, Nhân dân đã cung cấp hơn {n} tin báo có giá trị, giúp lực lượng Công an xử lý {n} vụ việc vi phạm pháp luật.",
]
MODELS = ["Camera an ninh", "Tổ liên gia tự quản về ANTT", "Tiếng kẻng an ninh", "Zalo an ninh trật tự"]
PLACES = ["Cam Lộ", "Hàm Thuận Nam", "Kỳ Sơn", "Tuyên Hóa", "Lạng Giang"]


@dataclass
class Doc:
    source: str
    text: str


def article(rng: random.Random, words: int = 600) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        paragraph = " ".join(rng.choice(PARTS).format(n=rng.randint(2, 300), d=rng.randint(1, 28), m=rng.randint(1, 12),
                                                      big=f"{rng.randint(1, 9)}.{rng.randint(100, 999)}",
                                                      place=rng.choice(PLACES), model=rng.choice(MODELS))
                             for _ in range(4))
        sentences.append(paragraph)
    return "\n\n".join(sentences)


def main(count: int = 200) -> None:
    rng = random.Random(7)
    docs = [Doc(f"doc-{i}", article(rng)) for i in range(count)]
    words = sum(len(d.text.split()) for d in docs)
    extract(docs[0])  # load models and the gazetteer outside the timing
    start = time.perf_counter()
    for doc in docs:
        segment.sentences(doc.text)
    seg = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        extract(doc)
    total = time.perf_counter() - start
    print(f"documents: {count}, words: {words}")
    print(f"extract: {count / total:.1f} documents/s, {words / total:,.0f} words/s")
    print(f"time split: segmentation {seg / total:.0%}, extractors {(total - seg) / total:.0%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
