"""normalize.py and parse.py: salts, scripts, comma-containing names, ingredient sections."""

from __future__ import annotations

import pytest

from assistant.label.normalize import compact, split_names
from assistant.label.ocr import OcrPass, OcrResult, OcrWord
from assistant.label.parse import parse, parse_lines


@pytest.mark.parametrize(
    "printed, base",
    [
        ("Sibutramine HCl", "sibutramine"),
        ("sibutramine hydrochloride", "sibutramine"),
        ("SIBUTRAMINE-HCL", "sibutramine"),
        ("시부트라민염산염", "시부트라민"),
        ("시부트라민 염산염", "시부트라민"),
        ("盐酸西布曲明", "西布曲明"),
        ("鹽酸西布曲明", "西布曲明"),
        ("シブトラミン塩酸塩", "シブトラミン"),
        ("Sildenafil Citrate", "sildenafil"),
        ("枸橼酸西地那非", "西地那非"),
        ("ｓｉｂｕｔｒａｍｉｎｅ", "sibutramine"),  # full-width (NFKC)
        ("1,3-Dimethylamylamine", "13dimethylamylamine"),
        ("1,3-디메틸아밀아민", "13디메틸아밀아민"),
    ],
)
def test_compact_strips_salts_case_spacing_and_scripts(printed, base):
    assert compact(printed) == base


def test_comma_between_digits_is_not_a_separator():
    assert split_names("1,3-디메틸아밀아민, 2,4-dinitrophenol | 시부트라민") == ["1,3-디메틸아밀아민", "2,4-dinitrophenol", "시부트라민"]
    assert split_names("DMAA, Methylhexanamine") == ["DMAA", "Methylhexanamine"]


def test_ingredient_section_after_korean_marker():
    p = parse_lines([("슬림 캡슐", 70), ("원재료명: 녹차추출물, 1,3-디메틸아밀아민, 비타민C", 25),
                     ("섭취방법: 1일 2회", 25), ("제조원: 한빛바이오", 25)])
    assert p.name_candidates[0] == "슬림 캡슐"
    assert p.ingredients == ["녹차추출물", "1,3-디메틸아밀아민", "비타민c"]
    assert p.manufacturer == "한빛바이오"


@pytest.mark.parametrize("marker", ["Ingredients:", "Supplement Facts", "成分:", "配料:", "原材料名:"])
def test_ingredient_markers_in_several_languages(marker):
    p = parse_lines([("Brand", 60), (f"{marker} 2,4-dinitrophenol, rice flour", 20), ("Directions: daily", 20)])
    assert "2,4-dinitrophenol" in p.ingredients and "rice flour" in p.ingredients


def test_parse_takes_tallest_line_as_name():
    words = [OcrWord("Premium", 95, 0, height=20), OcrWord("Golden", 95, 1, height=70), OcrWord("Bee", 95, 1, height=70),
             OcrWord("Ingredients:", 95, 2, height=22), OcrWord("honey", 95, 2, height=22)]
    p = parse(OcrResult([OcrPass("kor+eng", words)]))
    assert p.name_candidates[0] == "Golden Bee"
    assert p.ingredients == ["honey"]
