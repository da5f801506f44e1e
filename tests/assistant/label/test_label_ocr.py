"""ocr.py + preprocess.py with the real Tesseract on text drawn in the test."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.label.ocr import TesseractOCR, parse_tsv, split_passes
from assistant.label.preprocess import PreprocessOptions, estimate_skew, is_dark, preprocess

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def label(lines: list[tuple[str, str, int]], size=(1000, 420), bg="white", fg="black") -> Image.Image:
    img = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(img)
    y = 30
    for text, font, index in lines:
        d.text((40, y), text, font=ImageFont.truetype(font, 44, index=index), fill=fg)
        y += 80
    return img


def test_split_passes():
    assert split_passes(["kor", "eng", "chi_sim", "chi_tra", "jpn"]) == ["kor+eng", "chi_sim", "jpn"]
    assert split_passes(["eng"]) == ["eng"]


def test_parse_tsv_keeps_word_confidences():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t91.5\tSibutramine\n5\t1\t1\t1\t2\t1\t10\t40\t50\t20\t33\tHCl\n")
    words = parse_tsv(tsv)
    assert [(w.text, w.conf, w.line) for w in words] == [("Sibutramine", 91.5, 0), ("HCl", 33.0, 1)]


@needs_tesseract
def test_reads_korean_and_english_with_confidences():
    img = label([("Ingredients: Sibutramine HCl", FONT, 0), ("원재료명: 시부트라민염산염", FONT, 0)])
    result = TesseractOCR(["kor", "eng"]).read(preprocess(img)[0])
    text = result.text.replace(" ", "")
    assert "Sibutramine" in text and "시부트라민" in text
    assert all(0 <= w.conf <= 100 for w in result.passes[0].words)
    assert result.readable_words() >= 3


@needs_tesseract
def test_reads_chinese_in_the_cjk_pass():
    img = label([("成分: 西布曲明, 维生素C", CJK, 2)])
    result = TesseractOCR(["kor", "eng", "chi_sim", "jpn"]).read(preprocess(img)[0])
    assert [p.langs for p in result.passes] == ["kor+eng", "chi_sim", "jpn"]
    assert "西布曲明" in result.text.replace(" ", "")


def test_dark_label_is_inverted_and_skew_is_found():
    img = label([("Golden Bee Slim Tea", FONT, 0), ("Ingredients: green tea", FONT, 0)], bg=(20, 20, 30), fg="white")
    assert is_dark(np.asarray(img.convert("L")))
    tilted = img.rotate(8, expand=True, fillcolor=(20, 20, 30))
    angle = estimate_skew(np.asarray(tilted.convert("L")), 15, 1)
    assert abs(angle + 8) <= 1.5  # rotating back by -8° straightens it
    out, info = preprocess(tilted, PreprocessOptions())
    assert info.get("inverted") and abs(info.get("deskew_deg", 0) + 8) <= 1.5
    assert np.median(np.asarray(out)) > 128  # now dark text on light


CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


@needs_tesseract
@pytest.mark.skipif(not Path(CJK_BOLD).exists(), reason="Noto Sans CJK Bold not installed")
@pytest.mark.parametrize("engine", ["cli", "api"])
def test_a_name_crop_the_single_line_mode_finds_no_text_in_is_read_as_a_raw_line(engine):
    # a heavy Han name with a dark outline (as printed on a box): Tesseract's single-line mode (psm 7) still looks for
    # text blobs first and finds none, so every model read nothing; the raw-line mode reads the crop as it is
    from assistant.label.tesseract import LINE_PSM

    if engine == "api":
        pytest.importorskip("tesserocr")
        from assistant.label.tesseract_api import TesserocrOCR as Engine
    else:
        Engine = TesseractOCR
    crop = Image.new("L", (480, 110), 225)
    ImageDraw.Draw(crop).text((20, 15), "御品减肥咖啡", font=ImageFont.truetype(CJK_BOLD, 64), fill=60,
                              stroke_width=2, stroke_fill=10)
    ocr = Engine(["chi_sim"])
    if ocr._recognize(crop, "chi_sim", None, psm=LINE_PSM, invert=False).words:
        pytest.skip("this Tesseract finds the text in single-line mode")
    assert not ocr.read_lines([crop], "chi_sim")[0].words  # the usual single-line read
    (read,) = ocr.read_lines([crop], "chi_sim", raw=True)  # the name reader's last try
    assert read.region == "line" and "御品减肥" in read.text.replace(" ", "")
    # the engine's single-line reader is left as it was: a plain line still reads in psm 7
    plain = Image.new("L", (480, 110), 255)
    ImageDraw.Draw(plain).text((20, 15), "西布曲明", font=ImageFont.truetype(CJK, 64, index=2), fill=0)
    assert "西布曲明" in ocr._recognize(plain, "chi_sim", None, psm=LINE_PSM, invert=False).text.replace(" ", "")


@needs_tesseract
def test_preloaded_models_serve_a_check_without_loading_any_model_again(monkeypatch):
    # the web app's OCR workers load every model at start: the first officers' checks, which arrive together while
    # every core is busy, must not pay for model loads (0.1-0.3 s of CPU each)
    tesserocr = pytest.importorskip("tesserocr")
    from assistant.label.tesseract import LINE_PSM
    from assistant.label.tesseract_api import TesserocrOCR

    ocr = TesserocrOCR(["kor", "eng", "chi_sim", "jpn"])
    keys = ocr.preload_keys()
    assert ("kor+eng", 3) in keys and ("chi_sim", LINE_PSM) in keys and ("jpn", LINE_PSM) in keys
    assert ("kor", LINE_PSM) in keys  # Hangul rows `kor+eng` gave to `eng` are read by `kor` alone
    loaded = ocr.preload()
    assert loaded >= len(keys) and ocr.preload() == 0  # a second call loads nothing more

    def no_more_loads(*args, **kwargs):
        raise AssertionError(f"a model was loaded during the check: {kwargs.get('lang')}")

    monkeypatch.setattr(tesserocr, "PyTessBaseAPI", no_more_loads)
    img = label([("Ingredients: Sibutramine HCl", FONT, 0), ("成分: 西布曲明", CJK, 2)])
    result = ocr.read(preprocess(img)[0])
    assert "Sibutramine" in result.text and [p.langs for p in result.passes][:1] == ["kor+eng"]
    (line,) = ocr.read_lines([label([("西布曲明", CJK, 2)], size=(420, 100))], "chi_sim")
    assert "西布曲明" in line.text.replace(" ", "")
