"""Small print read again, enlarged (small_print.py): blocks of small lines the first round did not read, on labels
drawn in the test; the real Tesseract where it is installed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.lines import LineBox
from assistant.label.ocr import FakeOCR, OcrPass, OcrResult, OcrWord
from assistant.label.small_print import MIN_GAIN, Block, scales, small_blocks
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import find_tessdata, installed_languages

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
MODELS = installed_languages(find_tessdata()) or set()
INGREDIENTS = [{"name_ko": "에페드린", "name_en": "Ephedrine", "status": "Y", "source": "blocked.json"}]


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def wrap_label(small_px: int) -> Image.Image:
    """A wide bottle label: a large name in the middle, the ingredient panel in small print at the right, slightly
    blurred as in a phone photo."""
    img = Image.new("RGB", (1500, 800), (246, 246, 240))
    d = ImageDraw.Draw(img)
    d.text((520, 360), "Sunny Garden", font=ImageFont.truetype(SERIF, 72), fill=(30, 30, 30))
    f = ImageFont.truetype(FONT, small_px)
    for i, line in enumerate(["Ingredients: Caffeine, Ephedrine Sulfate,", "Zinc Oxide, Gelatin, Rice Flour",
                              "Directions: take 2 capsules daily", "Manufacturer: Orient Trade Co., Ltd."]):
        d.text((1080, 120 + round(2.0 * small_px) * i), line, font=f, fill=(40, 40, 40))
    return img.filter(ImageFilter.GaussianBlur(0.7))


def line(top: int, left: int, right: int, height: float = 10.0, glyphs: int = 8, polarity: str = "dark") -> LineBox:
    return LineBox(left, top, right, top + round(height), height, polarity, glyphs)


def test_small_lines_close_together_form_one_block_and_read_or_large_lines_do_not():
    lines = [line(100, 900, 1200), line(120, 900, 1150), line(141, 905, 1100),  # a small-print panel
             line(400, 500, 900, height=60.0),  # the name
             line(600, 100, 130, glyphs=3),  # a speck or two: no block
             line(300, 900, 1200, height=24.0)]  # body text of a readable size
    blocks = small_blocks(lines, [], (1500, 800))
    assert len(blocks) == 1
    x0, y0, x1, y1 = blocks[0].box
    assert x0 < 900 and y0 < 100 and x1 > 1200 and 151 < y1 < 300 and blocks[0].glyphs == 24
    # the same panel read well by the first round (well_read_lines boxes over each line): nothing to read again
    done = [(b.left - 3, b.top - 3, b.right + 3, b.bottom + 3) for b in lines[:3]]
    assert small_blocks(lines, done, (1500, 800)) == []


def test_enlargement_brings_glyphs_to_the_target_and_is_capped_in_pixels():
    one = Block((0, 0, 300, 60), 10.0, "dark", 30)
    assert scales([one]) == [pytest.approx(2.4)]
    assert scales([Block((0, 0, 300, 60), 6.0, "dark", 30)]) == [3.0]  # no more than MAX_SCALE
    panel = Block((0, 0, 1000, 300), 10.0, "dark", 400)
    (s,) = scales([panel])
    assert s < 2.4 and 1000 * 300 * s * s == pytest.approx(1_200_000, rel=0.01)
    (page,) = scales([Block((0, 0, 1500, 900), 10.0, "dark", 900)])
    assert page < MIN_GAIN  # a page of small text: enlarging it within the cap gains nothing, it is not read again


@pytest.mark.skipif(not MODELS or not Path(FONT).exists(), reason="Tesseract models or DejaVu fonts not installed")
def test_an_ingredient_in_small_print_is_read_when_enlarged():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    checker = LabelChecker(ListSnapshot.from_rows([], INGREDIENTS), TesserocrOCR(["kor", "eng"]))
    res = checker.check([png(wrap_label(11))])
    assert res.verdict == "hazard" and res.matches[0].canonical == "에페드린"
    assert res.images[0]["small_print"]["blocks"] == 1
    # without the enlarged read the same photo is not a hazard: the page pass cannot read print this small
    checker._small_print = lambda *args: []  # type: ignore[method-assign]
    assert checker.check([png(wrap_label(11))]).verdict != "hazard"


class SmallPrintOCR(FakeOCR):
    """The page reads nothing readable; the enlarged small print reads a maker's line confidently."""

    def __init__(self) -> None:
        super().__init__(["x"], conf=20.0)
        self.enlarged = 0

    def read_enlarged(self, img, hints=frozenset()):
        self.enlarged += 1
        return OcrResult([OcrPass("fake", [OcrWord(t, 92.0, 0) for t in "Manufacturer Orient Trade Co Ltd".split()])])


@pytest.mark.skipif(not Path(FONT).exists(), reason="DejaVu fonts not installed")
def test_an_enlarged_read_does_not_make_an_unreadable_panel_readable():
    ocr = SmallPrintOCR()
    res = LabelChecker(ListSnapshot.from_rows([], INGREDIENTS), ocr).check([png(wrap_label(11))])
    assert ocr.enlarged == 1 and "Orient" in res.ocr_text
    assert res.verdict == "review" and res.grounds["entry"] is None  # 다시 촬영해 주세요, not 목록에 없음
