"""Thai and Vietnamese product names read from the photo (not only by barcode), with Tesseract's `tha` and
`vie` models run only where their script is suspected; skipped where those models are not installed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.legal import LegalBasis
from assistant.label.normalize import compact
from assistant.label.ocr import OcrPass, OcrWord
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import (
    find_tessdata,
    installed_languages,
    script_hints,
    thai_like,
    vietnamese_cues,
)

THAI_FONT = "/usr/share/fonts/opentype/tlwg/Loma-Bold.otf"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MODELS = installed_languages(find_tessdata()) or set()
PRODUCTS = [
    {"seq": "1", "product": "สลิมมี่ พลัส", "manufacturer": "Bangkok Herbal Co., Ltd.", "ingredients": "시부트라민",
     "registered": "20231108", "source": "I2715.json"},
    {"seq": "2", "product": "Viên Giảm Cân Hoa Sen", "manufacturer": "Công ty TNHH Hoa Sen", "ingredients": "시부트라민",
     "registered": "20240102", "source": "I2715.json"},
    {"seq": "3", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co.", "ingredients": "시부트라민",
     "registered": "20230105", "source": "I2715.json"},
]


def engine():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    return TesserocrOCR(["kor", "eng", "chi_sim", "jpn", "tha", "vie"])


def label(lines: list[tuple[str, str, int]]) -> bytes:
    img = Image.new("RGB", (1100, 120 + 100 * len(lines)), "white")
    d = ImageDraw.Draw(img)
    for i, (text, font, size) in enumerate(lines):
        d.text((50, 50 + 100 * i), text, font=ImageFont.truetype(font, size), fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def check(data: bytes):
    c = LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), engine(), LegalBasis(None))
    return c.check([data])


def test_normalisation_folds_vietnamese_and_keeps_thai_vowels():
    assert compact("Viên Giảm Cân Hoa Sen") == compact("Vien Giam Can Hoa Sen") == "viengiamcanhoasen"
    assert compact("Đông Á") == "donga"
    assert compact("สลิมมี่ พลัส") == compact("สลิมมี พลัส")  # tone mark dropped, vowel signs kept
    assert compact("สลิมมี่") != compact("สลมม") and compact("ดีท็อกซ์") == compact("ดิทอกซ")


def test_script_cues():
    thai_junk = [OcrWord("aaNdwad", 20, 0), OcrWord("Worwsu8", 15, 0)]
    cjk_junk = [OcrWord("BCS:HERERPEHOABSE,AK),3540", 30, 0)]
    assert thai_like(thai_junk) and not thai_like(cjk_junk) and not thai_like([OcrWord("제조원:DreamWellInc.", 50, 0)])
    assert vietnamese_cues(OcrPass("kor+eng", [OcrWord("Thanh", 96, 0), OcrWord("phan:", 90, 0)]))
    assert vietnamese_cues(OcrPass("kor+eng", [OcrWord("Vién", 88, 0), OcrWord("chiét", 90, 0)]))
    assert not vietnamese_cues(OcrPass("kor+eng", [OcrWord("Ingredients:", 96, 0), OcrWord("green", 95, 0)]))
    assert script_hints(["8851234000340", "8931234520013", "8801234567893"]) == {"tha", "vie"}


@pytest.mark.skipif("tha" not in MODELS or not Path(THAI_FONT).exists(), reason="Tesseract tha model or Thai font not installed")
def test_thai_name_is_read_from_the_photo():
    res = check(label([("Premium Herbal", LATIN_FONT if Path(LATIN_FONT).exists() else THAI_FONT, 40),
                       ("สลิมมี่ พลัส", THAI_FONT, 72), ("Dietary supplement 30 capsules", THAI_FONT, 36)]))
    assert res.verdict == "hazard" and res.barcodes == []
    product = next(m for m in res.matches if m.kind == "product" and m.strength == "strong")
    assert product.locator == "SELF_IMPORT_SEQ 1" and product.via == "name"
    assert "tha" in res.images[0]["passes"]
    assert "สลิม" in res.ocr_text


@pytest.mark.skipif("vie" not in MODELS or not Path(LATIN_FONT).exists(), reason="Tesseract vie model or DejaVu font not installed")
def test_vietnamese_name_is_read_with_the_vie_model_only_when_the_label_is_vietnamese():
    res = check(label([("Viên Giảm Cân Hoa Sen", LATIN_FONT, 60), ("Thành phần: trà xanh, lá sen", LATIN_FONT, 36),
                       ("Nhà sản xuất: Công ty TNHH Hoa Sen", LATIN_FONT, 36)]))
    assert res.verdict == "hazard" and "vie" in res.images[0]["passes"]
    assert any(m.locator == "SELF_IMPORT_SEQ 2" and m.strength == "strong" for m in res.matches)
    assert "Giảm" in res.ocr_text  # shown as printed, diacritics kept
    english = check(label([("Golden Bee Slim Tea", LATIN_FONT, 60), ("Ingredients: green tea, fiber", LATIN_FONT, 36)]))
    assert english.verdict == "hazard" and english.images[0]["passes"] == ["kor+eng"]  # no extra pass paid
