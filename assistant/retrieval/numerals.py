"""Native Korean numerals with a counter (고유어 수사 + 단위 명사) written as the rules write them.

An officer says "1년에 네 번", "세 번째", "두 달", "한 보루"; rules and audit findings write 4회, 3회, 2개월, 1보루.
Kiwi tags 네 and 번 as a determiner and a bound noun, so the keyword channel sees nothing of "네 번" and
cannot meet 4회. This is a fact of the language, not of any document: every native numeral from one to twenty
(and the spoken forms 석/넉/서/너 of three and four, and ranges such as 두세 and 서너), before a counter, adds the
digit form(s) of that count; a number of days in native words (이틀, 나흘, 열흘) adds its N일.

>>> digit_forms("1년에 네 번이나 멈추게 한 창고")
['4회', '4번']
>>> digit_forms("세 번째 적발된 여행자")
['3회', '3번']
>>> digit_forms("두 달 넘게, 한 보루씩")
['2개월', '1보루']
>>> digit_forms("세관에 네가 낸 서류, 두통약, 세 달러")  # no count of anything here
[]
"""

from __future__ import annotations

import re

NATIVE = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "석": 3, "서": 3, "셋": 3, "네": 4, "넉": 4, "너": 4, "넷": 4,
          "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스무": 20, "스물": 20}
# two counts at once ("두세 번", "서너 병"): both digit forms
RANGES = {"한두": (1, 2), "두세": (2, 3), "두어": (2,), "서너": (3, 4), "세네": (3, 4), "너덧": (4, 5), "네댓": (4, 5),
          "대여섯": (5, 6), "예닐곱": (6, 7)}
# days counted in native words, always a number of days (열흘 → 10일)
DAYS = {"하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "여드레": 8, "아흐레": 9, "열흘": 10,
        "보름": 15}
_TENS = {"열": 10, "스물": 20}
_UNITS_AFTER_TENS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
# counter → how rules write that count (번 / 차례 are counted as 회 in rules; 달 as 개월; 해 as 년)
COUNTERS = {"번째": ("회", "번"), "번": ("회", "번"), "차례": ("회",), "달": ("개월",), "해": ("년",), "주": ("주",),
            "개": ("개",), "병": ("병",), "명": ("명",), "대": ("대",), "갑": ("갑",), "보루": ("보루",),
            "상자": ("상자",), "박스": ("박스",), "통": ("통",), "마리": ("마리",), "켤레": ("켤레",), "벌": ("벌",),
            "장": ("장",), "권": ("권",), "척": ("척",), "포대": ("포대",), "자루": ("자루",), "캔": ("캔",)}

_NUMERAL = "|".join(sorted([*(f"{t}{u}" for t in _TENS for u in _UNITS_AFTER_TENS), *NATIVE, *RANGES], key=len,
                            reverse=True))
_COUNTER = "|".join(sorted(COUNTERS, key=len, reverse=True))
# Glued to the numeral only the counters that make no other word that way (두번, 석달; not 두통, 세대, 열병)
_GLUED = "번째|번|차례|달"
# After the counter: the end of the word, or a particle or ending (번이나, 달간, 보루씩, 번째), never more of a
# noun (번지, 달러)
_AFTER = r"(?=$|[^가-힣]|[은는이가을를에도씩만의나간째마안내까부로으와과짜])"
# the numeral starts a word (not the 세 of 관세, the 한 of 대한)
_PATTERN = re.compile(rf"(?<![가-힣])({_NUMERAL})(?:\s+({_COUNTER})|({_GLUED})){_AFTER}")
_DAYS = re.compile(rf"(?<![가-힣])({'|'.join(sorted(DAYS, key=len, reverse=True))}){_AFTER}")


def _values(numeral: str) -> tuple[int, ...]:
    if numeral in RANGES:
        return RANGES[numeral]
    if numeral in NATIVE:
        return (NATIVE[numeral],)
    for tens, base in _TENS.items():
        if numeral.startswith(tens) and numeral[len(tens):] in _UNITS_AFTER_TENS:
            return (base + _UNITS_AFTER_TENS[numeral[len(tens):]],)
    raise KeyError(numeral)


def digit_forms(text: str) -> list[str]:
    """The digit forms ("4회", "2개월") of the native numerals + counters in `text`, in order, once each."""
    found: list[tuple[int, str]] = []
    for m in _PATTERN.finditer(text):
        found += [(m.start(), f"{n}{unit}") for n in _values(m.group(1)) for unit in COUNTERS[m.group(2) or m.group(3)]]
    found += [(m.start(), f"{DAYS[m.group(1)]}일") for m in _DAYS.finditer(text)]
    return list(dict.fromkeys(form for _, form in sorted(found, key=lambda x: x[0])))
