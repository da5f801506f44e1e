"""Text normalisation for label matching (표기 정규화): NFKC, case, hyphens, spacing, salt forms, script variants.

Two views of a string are used by the matcher:

- `normalize(s)`: NFKC, lower case, unified hyphens/long-vowel marks, traditional→simplified Chinese
  for the characters that occur in substance names, Latin diacritics folded (Vietnamese "Giảm Cân" and
  the "Giam Can" an English OCR model reads both become "giam can"; đ → d), salt forms removed, runs of
  spaces collapsed.
- `compact(s)`: `normalize(s)` keeping only letters and digits (and Thai vowel signs, which are combining
  marks but carry the word, long and short forms folded together; Thai tone marks and ็ are dropped:
  small, often missed by OCR, rarely decisive),
  so "Sibutramine HCl", "sibutramine-hydrochloride" and "시부트라민 염산염" all become the bare base name.

Deliberate simplifications: the salt list covers the forms seen on supplement labels, not every
pharmacopoeial salt; the script-variant table covers the characters of the substance names we match,
not all of Unicode's traditional/simplified pairs.

>>> compact("Sibutramine HCl")
'sibutramine'
>>> compact("시부트라민염산염")
'시부트라민'
>>> compact("盐酸西布曲明")
'西布曲明'
>>> compact("1,3-Dimethylamylamine")
'13dimethylamylamine'
>>> compact("Viên Giảm Cân Thảo Mộc") == compact("Vien Giam Can Thao Moc")
True
"""

from __future__ import annotations

import re
import unicodedata

HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d\u00ad"
# Traditional / Japanese variants -> simplified forms used by the Chinese names in the lists.
SCRIPT_VARIANTS = str.maketrans(
    {
        "鹽": "盐", "塩": "盐", "黃": "黄", "鹼": "碱", "瀉": "泻", "寫": "泻", "葉": "叶", "達": "达",
        "羥": "羟", "紅": "红", "氯": "氯", "麥": "麦", "樂": "乐", "與": "与", "臟": "脏", "藥": "药",
        "劑": "剂", "錠": "锭", "膠": "胶", "囊": "囊", "質": "质", "維": "维", "雙": "双", "檸": "柠",
        "櫞": "橼", "馬": "马", "來": "来", "磺": "磺", "癸": "癸", "異": "异", "氫": "氢", "氧": "氧",
        "醯": "酰", "苯": "苯", "硝": "硝", "齊": "齐", "蘆": "芦", "薈": "荟", "銀": "银", "參": "参",
    }
)

# Salt / hydrate words (염 형태). Longest first so "hydrochloride" wins over "chloride".
_SALTS = [
    "dihydrochloride", "hydrochloride", "hydrochlorid", "monohydrate", "hydrobromide", "hemihydrate",
    "mesylate", "mesilate", "maleate", "citrate", "tartrate", "fumarate", "succinate", "besylate",
    "tosylate", "sulfate", "sulphate", "phosphate", "acetate", "lactate", "hcl", "hbr",
    "염산염", "구연산염", "시트르산염", "말레산염", "메실산염", "타르타르산염", "주석산염", "황산염", "인산염",
    "브롬화수소산염", "푸마르산염", "숙신산염", "초산염", "아세트산염", "베실산염", "일수화물", "수화물", "염산",
    "盐酸盐", "盐酸", "枸橼酸", "柠檬酸", "马来酸", "甲磺酸", "酒石酸", "硫酸", "磷酸", "富马酸", "琥珀酸",
    "クエン酸", "マレイン酸", "メシル酸", "酒石酸", "硫酸塩", "水和物",
]
_SALT_RE = re.compile(
    "|".join(
        # Latin salt words only as whole words; CJK/Hangul ones anywhere (they attach to the base name).
        (rf"(?<![a-z]){re.escape(s)}(?![a-z])" if s.isascii() else re.escape(s))
        for s in sorted({unicodedata.normalize("NFKC", x).translate(SCRIPT_VARIANTS) for x in _SALTS}, key=len, reverse=True)
    )
)
_SPACE_RE = re.compile(r"\s+")


def _latin_fold_table() -> dict[int, str]:
    """Latin letters with diacritics (Latin-1 Supplement, Extended-A/B, Extended Additional: every Vietnamese
    letter) -> their base letter; letters without a decomposition (ø, æ) are left alone."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


LATIN_FOLD = _latin_fold_table()
THAI_VOWEL_SIGNS = {"\u0e31", *(chr(c) for c in range(0x0E34, 0x0E3B))}  # ั ิ ี ึ ื ุ ู ฺ
# long and short forms of a vowel sign differ by a stroke OCR often misses (ี/ิ, ื/ึ, ู/ุ): one key for both
THAI_FOLD = str.maketrans({"\u0e35": "\u0e34", "\u0e37": "\u0e36", "\u0e39": "\u0e38"})
_KATAKANA = r"\u30a0-\u30ff"
_LONG_VOWEL_RE = re.compile(rf"(?<=[{_KATAKANA}])[一\-‐ｰ](?=[{_KATAKANA}]|$)")
# Kanji and katakana drawn alike (力/カ, 口/ロ, 工/エ, 二/ニ, 八/ハ, 夕/タ, 卜/ト): OCR writes one for the other
# ("男のカプレミアム" for 男の力プレミアム). Both sides of a match are written by their neighbours: next to katakana the
# katakana letter, else next to kanji the kanji; alone, as written.
_KANJI_KANA = {"力": "カ", "口": "ロ", "工": "エ", "二": "ニ", "八": "ハ", "夕": "タ", "卜": "ト"}
_KANA_KANJI = {v: k for k, v in _KANJI_KANA.items()}
_LOOKALIKE_RE = re.compile(f"[{''.join(_KANJI_KANA)}{''.join(_KANA_KANJI)}]")


def _is_katakana(ch: str) -> bool:
    # katakana letters and ー (サポート, ハーブ); not the middle dot ・, which also sits between kanji words
    return ("\u30a1" <= ch <= "\u30fa" or ch in "ーヽヾ") and ch not in _KANA_KANJI


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in _KANJI_KANA


def by_neighbours(s: str) -> str:
    """The look-alike kanji / katakana of `s` written by their neighbours (length unchanged)."""
    if not _LOOKALIKE_RE.search(s):
        return s
    out = list(s)
    for m in _LOOKALIKE_RE.finditer(s):
        i, ch = m.start(), m.group()
        near = s[max(0, i - 1):i] + s[i + 1:i + 2]
        if any(_is_katakana(c) for c in near):
            out[i] = _KANJI_KANA.get(ch, ch)
        elif any(_is_kanji(c) for c in near):
            out[i] = _KANA_KANJI.get(ch, ch)
    return "".join(out)


def base_normalize(text: str) -> str:
    """NFKC, lower case, unified hyphens and script variants; salt forms kept."""
    s = unicodedata.normalize("NFKC", text or "").lower()
    s = s.translate({ord(h): "-" for h in HYPHENS})
    s = s.translate(SCRIPT_VARIANTS).translate(LATIN_FOLD)
    s = by_neighbours(_LONG_VOWEL_RE.sub("ー", s))
    return _SPACE_RE.sub(" ", s).strip()


def strip_salts(text: str) -> str:
    """Remove salt-form words from an already `base_normalize`d string."""
    return _SPACE_RE.sub(" ", _SALT_RE.sub(" ", text)).strip()


def normalize(text: str) -> str:
    """`base_normalize` + salt forms removed."""
    return strip_salts(base_normalize(text))


def _kept(ch: str) -> bool:
    return ch.isalnum() or ch in THAI_VOWEL_SIGNS


def compact(text: str) -> str:
    """Letters and digits only, after `normalize`."""
    return "".join(ch for ch in normalize(text) if _kept(ch)).translate(THAI_FOLD)


def compact_keep_salts(text: str) -> str:
    """Letters and digits only, salts kept (for OCR text where stripping is done per word)."""
    return "".join(ch for ch in base_normalize(text) if _kept(ch)).translate(THAI_FOLD)


def script_of(text: str) -> str:
    """Dominant script class of a (compacted) term: latin | hangul | han | kana | thai | mixed."""
    counts = {"latin": 0, "hangul": 0, "han": 0, "kana": 0, "thai": 0}
    for ch in text:
        o = ord(ch)
        if ch.isascii() and ch.isalpha():
            counts["latin"] += 1
        elif 0xAC00 <= o <= 0xD7A3 or 0x3130 <= o <= 0x318F:
            counts["hangul"] += 1
        elif 0x3040 <= o <= 0x30FF:
            counts["kana"] += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            counts["han"] += 1
        elif 0x0E00 <= o <= 0x0E7F:
            counts["thai"] += 1
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0:
        return "mixed"
    if counts["kana"] and counts["han"]:
        return "kana"  # Japanese names mix kanji and kana
    return best


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese ideographs or Japanese kana."""
    return any(0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF for c in text)


def has_thai(text: str) -> bool:
    return any(0x0E01 <= ord(c) <= 0x0E5B for c in text)


_LIST_SPLIT_RE = re.compile(r"\s*\|\s*|\s*;\s*|\s*/\s*|\s*、\s*|\s*，\s*|(?<!\d),|,(?!\d)")


def split_names(value: str | None) -> list[str]:
    """Split a list cell into names. A comma between digits ("1,3-디메틸아밀아민") is not a separator.

    >>> split_names("1,3-디메틸아밀아민 | 시부트라민, 페놀프탈레인")
    ['1,3-디메틸아밀아민', '시부트라민', '페놀프탈레인']
    """
    if not value:
        return []
    return [p.strip() for p in _LIST_SPLIT_RE.split(value) if p and p.strip()]
