"""Vietnamese text typed in pre-Unicode font encodings, converted to Unicode.

Old directives still carry TCVN3 (ABC, .VnTime fonts: one byte per accented
letter, "B¶o Th¾ng") and VNI (VNI-Times fonts: a base letter followed by a
modifier byte, "Vieät Nam"); read as windows-1252 they look like Latin-1 noise.
Both tables reuse Latin-1 letters that clean Vietnamese uses too (á, ô, ò…), so
a line is converted only when the conversion turns words that are not
Vietnamese syllables into ones that are: clean Unicode text is already valid
and gains nothing."""
from __future__ import annotations

import functools
import re
import unicodedata

# TCVN3 code of each base letter with each tone, in TONE_ORDER_TCVN3 order (ASCII = the letter itself).
TCVN3_LETTERS = {
    "a": "aµ¸¶·¹", "ă": "¨»¾¼½Æ", "â": "©ÇÊÈÉË", "e": "eÌÐÎÏÑ", "ê": "ªÒÕÓÔÖ", "i": "i×ÝØÜÞ",
    "o": "oßãáâä", "ô": "«åèæçé", "ơ": "¬êíëìî", "u": "uïóñòô", "ư": "\xadõøö÷ù", "y": "yúýûüþ",
}
TCVN3_CAPITALS = {"¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ", "®": "đ"}
# VNI: base letter + modifier. Modifiers for the tones (acute, grave, hook, tilde, dot)
# alone, after a circumflex (â ê ô) and after a breve (ă); ơ ư đ and the toned i,
# and ỵ, are single characters.
VNI_TONES = "ùøûõï"
VNI_CIRCUMFLEX = "âáàåãä"  # circumflex alone, then with the five tones
VNI_BREVE = "êéèúüë"
VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
TONE_ORDER_VNI = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc, huyền, hỏi, ngã, nặng
TONE_ORDER_TCVN3 = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng

ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
NUCLEUS = r"(?:iê|yê|ia|ya|uô|ua|ươ|ưa|[aăâeêioôơuưy])"
# A glide o/u only comes before some vowels (hoa, hoe, quê, thuở); k ends minority names (Đắk Lắk).
RHYME = rf"(?:o[aăe]|u(?:yê|ya|[âêyơa])|{NUCLEUS})"
CODA = r"(?P<coda>ch|ng|nh|[cmnptkiouy])?"
SYLLABLE = re.compile(rf"^{ONSET}{RHYME}{CODA}$")
TONE_MARKS = set(TONE_ORDER_VNI)


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _tcvn3_table() -> dict[str, str]:
    table = dict(TCVN3_CAPITALS)
    for base, codes in TCVN3_LETTERS.items():
        for code, tone in zip(codes, TONE_ORDER_TCVN3):
            if not code.isascii():
                table[code] = _compose(base, tone)
    return table


def _vni_table() -> dict[str, str]:
    table = dict(VNI_SINGLE)
    for base in "aeouy":  # i takes single characters (VNI_SINGLE)
        for mark, tone in zip(VNI_TONES, TONE_ORDER_VNI):
            table[base + mark] = _compose(base, tone)
    for base, hat in (("a", "â"), ("e", "ê"), ("o", "ô")):
        for mark, tone in zip(VNI_CIRCUMFLEX, ("",) + TONE_ORDER_VNI):
            table[base + mark] = _compose(hat, tone)
    for mark, tone in zip(VNI_BREVE, ("",) + TONE_ORDER_VNI):
        table["a" + mark] = _compose("ă", tone)
    for base, horn in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in zip(VNI_TONES, TONE_ORDER_VNI):
            table[base + mark] = _compose(horn, tone)
    return _with_capitals(table)


def _with_capitals(table: dict[str, str]) -> dict[str, str]:
    """Capital letters take capital modifiers (AÙ) in VNI fonts; a capital letter with
    a small modifier (Aù, typed with Shift released early) is read the same way."""
    full = dict(table)
    for code, letter in table.items():
        full[code.upper()] = letter.upper()
        full[code[0].upper() + code[1:]] = letter.upper()
    return full


TCVN3 = _tcvn3_table()
VNI = _vni_table()
VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))
LEGACY_CHARS = "".join(sorted(set(TCVN3) | {c for code in VNI for c in code if not c.isascii()}))
WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(LEGACY_CHARS) + r"])+")
VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
FOREIGN = re.compile("[" + re.escape("".join(sorted(set(LEGACY_CHARS) - VIETNAMESE_LATIN1))) + "]")


def convert_tcvn3(line: str) -> str:
    """TCVN3 to Unicode. .VnTimeH fonts draw the small-letter codes as capitals, so
    a word (or a line) whose plain letters are all capitals is upper-cased."""
    converted = WORD.sub(lambda m: _tcvn3_word(m.group(0)), line)
    ascii_letters = [c for c in line if c.isascii() and c.isalpha()]
    if len(ascii_letters) >= 3 and all(c.isupper() for c in ascii_letters):
        return converted.upper()
    return converted


def _tcvn3_word(word: str) -> str:
    converted = "".join(TCVN3.get(c, c) for c in word)
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    if converted != word and len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
        return converted.upper()
    return converted


def convert_vni(line: str) -> str:
    return VNI_PATTERN.sub(lambda m: VNI[m.group(0)], line)


@functools.lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, vowels, coda, and at most one tone
    mark, which sits on a vowel of the nucleus, never on a final i/o/u/y."""
    bare, tone_at = [], []
    for index, char in enumerate(word.lower()):
        decomposed = unicodedata.normalize("NFD", char)
        if any(c in TONE_MARKS for c in decomposed):
            tone_at.append(index)
        bare.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS)))
    match = SYLLABLE.match("".join(bare))
    if match is None or len(tone_at) > 1 or len(bare) != len(word):
        return False
    coda = match.group("coda")
    return not (tone_at and coda in ("i", "o", "u", "y") and tone_at[0] >= match.start("coda"))


def gain(before: str, after: str) -> int:
    """How many more words are Vietnamese syllables after the conversion; 0 unless
    the words it changed are mostly syllables after and mostly not before."""
    pairs = [(a, b) for a, b in zip(WORD.findall(before), WORD.findall(after))
             if a != b and (len(a) > 1 or a.isalpha())]  # a lone » or · is punctuation, not a word
    if not pairs:
        return 0
    valid_before = sum(is_syllable(a) for a, _ in pairs)
    valid_after = sum(is_syllable(b) for _, b in pairs)
    if valid_after < 0.7 * len(pairs) or valid_before > 0.3 * len(pairs):
        return 0
    return valid_after - valid_before


CONVERTERS = (("TCVN3", convert_tcvn3), ("VNI", convert_vni))


def fix_legacy(text: str, min_gain: int = 1) -> tuple[str, str | None]:
    """(text with legacy-encoded lines converted, name of the encoding or None).

    The encoding is chosen on the lines holding a character Vietnamese never uses
    (¶, ø, ï…), which keeps clean text cheap; once chosen, every line is judged on
    its own, so a file mixing Unicode and TCVN3 is fixed too."""
    lines = text.split("\n")
    suspects = [line for line in lines if FOREIGN.search(line)]
    if not suspects:
        return text, None
    gains = {name: sum(_line_gain(line, convert)[1] for line in suspects) for name, convert in CONVERTERS}
    name = max(gains, key=gains.get)
    if gains[name] < min_gain:
        return text, None
    convert = dict(CONVERTERS)[name]
    out = []
    for line in lines:
        converted, line_gain = _line_gain(line, convert)
        out.append(converted if line_gain > 0 else line)
    return "\n".join(out), name


def _line_gain(line: str, convert) -> tuple[str, int]:
    converted = convert(line)
    return converted, (gain(line, converted) if converted != line else 0)
