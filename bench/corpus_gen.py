"""Generated Vietnamese documents for the search benchmark: 600 words each, with
document numbers, models, provinces and dates, deterministic for a seed."""
from __future__ import annotations

import random

SYLLABLES = (
    "an ninh trật tự công an xã huyện tỉnh nhân dân mô hình tự quản tổ liên gia camera tiếng kẻng "
    "bảo vệ phong trào toàn dân tổ quốc xây dựng nhân rộng địa bàn thôn bản khu phố hộ gia đình "
    "tuyên truyền phòng chống tội phạm ma túy vi phạm pháp luật lực lượng phối hợp triển khai kế hoạch "
    "chỉ đạo ban hành quyết định hướng dẫn thực hiện năm tháng ngày hội nghị sơ kết tổng kết khen thưởng "
    "tập thể cá nhân thành tích xuất sắc đoàn thể mặt trận phụ nữ thanh niên cựu chiến binh nông dân "
    "tuần tra canh gác giám sát lắp đặt kinh phí xã hội hóa tin báo vụ việc xử lý giải quyết mâu thuẫn "
    "hòa giải cơ sở biên giới ngư dân tàu thuyền đường quê thắp sáng bình yên dòng họ giáo xứ người có uy tín"
).split()
MODELS = ("Camera an ninh", "Tổ liên gia tự quản về ANTT", "Tiếng kẻng an ninh", "Zalo an ninh trật tự",
          "Tổ tự quản về an ninh, trật tự", "Dòng họ không có người vi phạm pháp luật", "Thắp sáng đường quê",
          "Khu dân cư an toàn về ANTT", "Ngư dân tự quản về ANTT", "Xóm bình yên")
PROVINCES = ("Quảng Trị", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Đắk Lắk", "Lào Cai", "Bình Định", "Sóc Trăng",
             "Bắc Giang", "Quảng Bình", "Hà Giang", "Cà Mau", "Lâm Đồng", "Gia Lai", "Kon Tum")
CODES = ("KH-CAT", "KH-BCĐ-CAT", "QĐ-UBND", "CV-CAH", "HD-BCĐ", "KH-CAH", "CAT-PV05")
ISSUERS = ("Công an tỉnh", "Ủy ban nhân dân huyện", "Ban Chỉ đạo 138", "Công an huyện")


def number(rng: random.Random) -> str:
    return f"{rng.randint(1, 3000)}/{rng.choice(CODES)}"


def directive_number(i: int) -> str:
    """Every fifth document is a directive; its number is known to the query generator."""
    return f"{i}/{CODES[i % len(CODES)]}"


def document(i: int, rng: random.Random, words: int = 600) -> dict:
    """A record as the index receives it: the document row and its facts."""
    province, model = rng.choice(PROVINCES), rng.choice(MODELS)
    cited = number(rng)
    sentences, count = [], 0
    while count < words:
        length = rng.randint(8, 20)
        sentence = " ".join(rng.choice(SYLLABLES) for _ in range(length))
        if rng.random() < 0.15:
            sentence += f" mô hình “{model}” tại tỉnh {province}"
        if rng.random() < 0.05:
            sentence += f" theo Kế hoạch số {cited}"
        sentences.append(sentence.capitalize() + ".")
        count += length
    kind = "directive" if i % 5 == 0 else "article"
    own = directive_number(i) if kind == "directive" else None
    published = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = f"{province}: nhân rộng mô hình “{model}” số {i}"
    refs = [{"number": cited}] + ([{"number": own}] if own else [])
    return {"document": {"id": i, "title": title, "text": title + "\n" + " ".join(sentences), "kind": kind,
                         "published": published, "number": own, "source": f"https://example.vn/{i}",
                         "issuer": f"{rng.choice(ISSUERS)} {province}" if own else None},
            "doc_refs": refs, "models": [{"name": model}], "places": [{"province": province, "district": None}]}


def documents(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield document(i, rng)
