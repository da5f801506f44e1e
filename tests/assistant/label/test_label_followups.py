"""The follow-up passes (tesseract.py, rows.py): the lines `kor+eng` read well are painted over before chi_sim /
jpn / tha read the rows around them, and a turned photo gets its follow-ups only when the turn reads better."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.legal import LegalBasis
from assistant.label.ocr import OcrWord
from assistant.label.rows import low_lines, rows_box, rows_crop
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import find_tessdata, installed_languages

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MODELS = installed_languages(find_tessdata()) or set()
PRODUCTS = [{"seq": "1", "product": "御品减肥咖啡", "manufacturer": "广州御品", "ingredients": "시부트라민",
             "registered": "20231108", "source": "I2715.json"}]
LINES = [("御品减肥咖啡", CJK_FONT, 64), ("Net weight 60 capsules 500 mg", LATIN_FONT, 40), ("每日两次 每次一粒", CJK_FONT, 44)]


def spy(languages: list[str], turn: int = 0):
    """The in-process engine, keeping the images its whole-image chi_sim passes are given; `turn`: what its
    orientation detection says (degrees clockwise), whatever the image."""
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    class Spy(TesserocrOCR):
        def __init__(self) -> None:
            super().__init__(languages)
            self.crops: list[Image.Image] = []
            self.inverts: list[tuple[str, int | None, bool]] = []

        def _recognize(self, img, langs, handle=None, psm=None, invert=True):
            if langs == "chi_sim" and psm is None:
                self.crops.append(img.copy())
            self.inverts.append((langs, psm, invert))
            return super()._recognize(img, langs, handle, psm, invert)

        def orientation(self, img):
            return (turn, 5.0) if turn else super().orientation(img)

    return Spy()


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def label() -> Image.Image:
    img = Image.new("L", (1100, 500), 255)
    d = ImageDraw.Draw(img)
    for (text, font, size), y in zip(LINES, (50, 230, 400), strict=True):
        d.text((60, y), text, font=ImageFont.truetype(font, size), fill=0)
    return img


def test_rows_crop_paints_the_lines_read_well_and_keeps_the_rest():
    img = Image.new("L", (400, 200), 230)
    ImageDraw.Draw(img).rectangle((20, 20, 200, 40), fill=0)  # a line to read again
    ImageDraw.Draw(img).rectangle((20, 80, 200, 100), fill=0)  # read well: painted
    ImageDraw.Draw(img).rectangle((20, 140, 200, 160), fill=0)  # a line to read again
    keep = [[OcrWord("x", 20, 0, 20, 20, 180, 20)], [OcrWord("z", 30, 2, 20, 140, 180, 20)]]
    good = [OcrWord("y", 95, 1, 20, 80, 180, 20)]
    mixed = [OcrWord("y", 95, 4, 20, 80, 90, 20), OcrWord("?", 0, 4, 120, 80, 80, 20)]  # one word is junk
    crop = np.asarray(rows_crop(img, (0, 0, 400, 200), keep, [keep[0], good, keep[1]]))
    assert crop[80:101, 20:201].min() == 230  # painted in the background colour
    assert crop[20:41, 20:201].max() == 0 and crop[140:161, 20:201].max() == 0
    # a line with one word read poorly is left alone (mixed scripts: only the follow-up model reads that word)
    crop = np.asarray(rows_crop(img, (0, 0, 400, 200), keep, [keep[0], mixed, keep[1]]))
    assert crop[80:101, 20:201].max() == 0
    # a well-read line touching a line to read is left alone (a tall glyph or a vowel mark reaches over)
    close = [OcrWord("w", 95, 3, 20, 42, 180, 20)]
    crop = np.asarray(rows_crop(img, (0, 0, 400, 200), keep, [keep[0], close, keep[1]]))
    assert crop[20:41, 20:201].max() == 0


@pytest.mark.skipif("chi_sim" not in MODELS, reason="Tesseract chi_sim model not installed")
def test_chinese_rows_are_read_without_the_latin_line_between_them():
    ocr = spy(["kor", "eng", "chi_sim"])
    img = label()
    first = ocr._run(img, ocr.first)
    latin = [ln for ln in first.lines() if "capsules" in " ".join(w.text for w in ln)]
    assert latin and min(w.conf for w in latin[0]) >= 85  # kor+eng reads the Latin line well ...
    result = ocr.followups(img, first)
    assert len(ocr.crops) == 1  # ... and the Chinese rows above and below it poorly: one chi_sim crop
    top = rows_box(low_lines(first, ocr.low_conf), img.width, img.height)[1]
    crop = np.asarray(ocr.crops[0])
    y0, y1 = min(w.top for w in latin[0]) - top, max(w.top + w.height for w in latin[0]) - top
    assert crop[y0:y1].min() > 200  # painted over
    assert crop.min() < 60  # the Chinese rows keep their ink
    chinese = [p for p in result.passes if p.langs == "chi_sim"][0]
    assert "capsules" not in chinese.text
    c = LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), ocr, LegalBasis(None), read_names=False)
    res = c.check([png(img)])
    # chi_sim reads the name "御品减肥咖哮" (啡 as 哮): one character of six off, which without the maker is a similar
    # name (review), as test_label_match.test_short_name_one_character_off_needs_the_maker says
    assert res.verdict in ("hazard", "review") and res.matches[0].canonical == "御品减肥咖啡"



@pytest.mark.skipif("chi_sim" not in MODELS, reason="Tesseract chi_sim model not installed")
def test_a_wrong_turn_costs_one_pass_not_its_follow_ups():
    # the label is upright, but read poorly (Chinese): the checker asks which way is up, and here the answer is
    # wrong (180). The turned photo's kor+eng pass reads less, so its chi_sim rows are never read.
    ocr = spy(["kor", "eng", "chi_sim"], turn=180)
    c = LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), ocr, LegalBasis(None), read_names=False)
    c.preprocess_options = replace(c.preprocess_options, retry_flattened=False)
    res = c.check([png(label())])
    assert "rotated" not in res.images[0]
    assert len(ocr.crops) == 1  # the upright photo's chi_sim rows only
    assert res.verdict in ("hazard", "review") and res.matches[0].canonical == "御品减肥咖啡"  # 咖哮: see above


@pytest.mark.skipif("chi_sim" not in MODELS, reason="Tesseract chi_sim model not installed")
def test_second_round_follow_ups_read_without_inverted_retries():
    # a clean label (nothing listed matches): the second round runs on the flattened image, dark text on white by
    # construction; its chi_sim rows skip Tesseract's inverted tries, every other read keeps them
    ocr = spy(["kor", "eng", "chi_sim"])
    c = LabelChecker(ListSnapshot.from_rows([], []), ocr, LegalBasis(None), read_names=False)
    res = c.check([png(label())])
    assert res.verdict == "no_match" and "retry" in res.images[0]
    page = [(langs, inv) for langs, psm, inv in ocr.inverts if psm is None]
    # first round: kor+eng, chi_sim rows; second round: kor+eng (the one polarity shown), chi_sim rows
    assert page == [("kor+eng", True), ("chi_sim", True), ("kor+eng", True), ("chi_sim", False)]


def test_name_line_crops_are_read_without_inverted_retries():
    # name crops are dark glyphs on white by construction (line_crop): Tesseract's inverted try is not wanted
    ocr = spy(["kor", "eng", "chi_sim"])
    c = LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), ocr, LegalBasis(None))
    res = c.check([png(label())])
    assert res.verdict in ("hazard", "review") and res.images[0]["name_lines"]["crops_read"] >= 1  # 咖哮: see above
    lines = [inv for _, psm, inv in ocr.inverts if psm is not None]
    assert lines and not any(lines)


@pytest.mark.skipif(not {"kor", "eng"} <= MODELS, reason="Tesseract kor/eng models not installed")
def test_hangul_rows_whose_word_went_to_eng_are_read_again_with_kor_alone():
    """`kor` cannot write 팜 or 뎀, so `kor+eng` often gives 디아제팜 / 졸피뎀 in an ingredient list to `eng`
    ("Clopaig", "Hoe"); those rows are read again with `kor` alone, and the name matches from that read (its
    unreadable syllable as any Hangul one, charset.py)."""
    from assistant.label.charset import installed_charset
    from assistant.label.match import NameIndex, match_all
    from assistant.label.ocr import TesseractOCR

    if "팜" in installed_charset():
        pytest.skip("this Korean model can write 팜")
    snap = ListSnapshot.from_rows([], [{"name_ko": "디아제팜", "name_en": "Diazepam", "status": "Y", "source": "blocked.json"}])
    ocr, lost, found = TesseractOCR(["kor", "eng"]), 0, 0
    for font in ("NanumGothic.ttf", "NanumBarunGothic.ttf", "NanumMyeongjo.ttf"):
        for px in (22, 28, 34):
            img = Image.new("L", (900, 200), 255)
            ImageDraw.Draw(img).text((20, 20), "원재료명: 포도당, 디아제팜, 녹차추출물",
                                     font=ImageFont.truetype(f"/usr/share/fonts/truetype/nanum/{font}", px), fill=0)
            result = ocr.read(img)
            if "디아제" in result.passes[0].text:
                continue
            lost += 1
            again = [p for p in result.passes if p.langs == "kor"]
            assert again and again[0].region == "rows"
            found += any(m.canonical == "디아제팜" for m in match_all(NameIndex(snap), result.passes, []))
    assert lost and found  # the case happens with these fonts and sizes, and the kor read recovers it (6 of the 8 here)
