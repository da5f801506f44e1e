"""The second OCR round on background-flattened images (배경 평탄화 재판독): preprocessing, engine, checker."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.ocr import FakeOCR, OcrPass, OcrResult, OcrWord, TesseractOCR
from assistant.label.preprocess import PreprocessOptions, flatten_background, retry_images
from assistant.label.snapshot import ListSnapshot

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
PRODUCTS = [{"seq": "2023000001", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co., Ltd.",
             "ingredients": "시부트라민", "source": "I2715.json"}]
INGREDIENTS = [{"name_ko": "시부트라민", "name_en": "Sibutramine", "status": "Y", "source": "blocked.json"}]


def glare_label(text_lines: list[str], size=(1100, 420)) -> tuple[Image.Image, np.ndarray]:
    """Light text on a dark green label with a bright glare blob over its middle (background there close to
    the text's brightness), and the mask of the text pixels."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    glare = np.exp(-(((xx - w * 0.5) / (w * 0.25)) ** 2 + ((yy - h * 0.5) / (h * 0.45)) ** 2))
    base = np.zeros((h, w, 3), np.float64)
    base[..., :] = (30, 70, 50)
    base += glare[..., None] * np.array([150, 150, 150])
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    mask = Image.new("L", size, 0)
    for i, line in enumerate(text_lines):
        for target, fill in ((img, (235, 235, 225)), (mask, 255)):
            ImageDraw.Draw(target).text((40, 40 + 90 * i), line, font=ImageFont.truetype(FONT, 52), fill=fill)
    return img, np.asarray(mask) > 128


def test_flatten_background_removes_glare_and_keeps_strokes():
    img, text = glare_label(["Golden Bee Slim Tea"])
    gray = np.asarray(img.convert("L"))
    flat = flatten_background(gray, text_dark=False)
    assert flat.shape == gray.shape
    # background under the glare and away from it both come out near white
    assert flat[300:380, 500:600].mean() > 200 and flat[300:380, 20:80].mean() > 200
    # the strokes come out dark, under the glare as well as beside it
    background = flat[~text].mean()
    assert flat[text].mean() < background - 80
    assert flat[:, 450:650][text[:, 450:650]].mean() < background - 80
    # the wrong polarity keeps the strokes light: the two alternatives differ
    names = [n for n, _ in retry_images(Image.fromarray(gray))]
    assert names == ["flat-dark-text", "flat-light-text"]


@needs_tesseract
def test_read_best_picks_the_polarity_tesseract_reads_confidently():
    img, _ = glare_label(["Golden Bee Slim Tea", "Ingredients: Sibutramine"])
    kinds = retry_images(img.convert("L"))
    best, result = TesseractOCR(["kor", "eng"]).read_best([im for _, im in kinds])
    assert kinds[best][0] == "flat-light-text"
    assert "Sibutramine" in result.text


class RetryOCR(FakeOCR):
    """First round reads `first`; the second round (read_best) reads `second`."""

    def __init__(self, first: list[str], second: list[str]):
        super().__init__(first)
        self.second = second
        self.retries = 0

    def read_best(self, images, hints=frozenset(), parallel=True, dark_on_white=False):
        self.retries += 1
        assert len(images) == 2 and all(isinstance(im, Image.Image) for im in images)
        words = [OcrWord(t, 90.0, i) for i, line in enumerate(self.second) for t in line.split()]
        return 1, OcrResult([OcrPass("fake", words)])


def blank() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(buf, "PNG")
    return buf.getvalue()


def checker(ocr, **opts) -> LabelChecker:
    return LabelChecker(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS), ocr, preprocess_options=PreprocessOptions(**opts))


def test_retry_only_when_the_first_round_finds_nothing_strong():
    ocr = RetryOCR(["Golden Bee Slim Tea", "Ingredients: green tea"], ["unused"])
    res = checker(ocr).check([blank()])
    assert res.verdict == "hazard" and ocr.retries == 0
    assert "retry" not in res.images[0]


def test_retry_finds_what_the_first_round_missed():
    ocr = RetryOCR(["Vital Lab", "Directions: take 2 capsules"], ["Vital Lab", "Ingredients: Sibutramine HCl"])
    res = checker(ocr).check([blank()])
    assert ocr.retries == 1 and res.images[0]["retry"] == "flat-light-text"
    assert res.verdict == "hazard" and any(m.canonical == "시부트라민" for m in res.matches)
    assert "Sibutramine" in res.ocr_text


def test_retry_on_a_clean_label_stays_no_match_and_can_be_switched_off():
    ocr = RetryOCR(["Golden Bee Honey", "Ingredients: honey, royal jelly"] * 2, ["Golden Bee Honey 100%"])
    res = checker(ocr).check([blank()])
    assert ocr.retries == 1 and res.verdict == "no_match"
    off = RetryOCR(["Vital Lab", "Directions: take 2 capsules"], ["Ingredients: Sibutramine"])
    assert checker(off, retry_flattened=False).check([blank()]).verdict != "hazard" and off.retries == 0


FAKE_TESSERACT = """#!{python}
import sys, time
data = sys.stdin.buffer.read()
header_end = 0
for _ in range(3):  # P5 / width height / maxval
    header_end = data.index(b"\\n", header_end) + 1
print("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext")
if data[header_end] == 0:  # the "right polarity" image: a confident read at once
    for i, word in enumerate("Vital Lab Ingredients Sibutramine green tea extract capsule".split()):
        print(f"5\\t1\\t1\\t1\\t1\\t{{i}}\\t{{10 + 60 * i}}\\t10\\t50\\t20\\t95\\t{{word}}")
else:  # junk, slowly
    time.sleep(4)
    print("5\\t1\\t1\\t1\\t1\\t1\\t10\\t10\\t50\\t20\\t12\\tjunk")
"""


def test_read_best_stops_the_other_polarity_once_one_reads_clearly(tmp_path):
    import sys

    script = tmp_path / "tesseract"
    script.write_text(FAKE_TESSERACT.format(python=sys.executable))
    script.chmod(0o755)
    black = Image.new("L", (40, 20), 0)
    white = Image.new("L", (40, 20), 255)
    best, result = TesseractOCR(["kor", "eng"], cmd=str(script)).read_best([white, black])
    assert best == 1 and "Sibutramine" in result.text
    assert result.info["stopped_early"] == 1  # the slow junk pass was killed, not waited for


def test_second_round_blanks_only_whole_lines_read_well():
    from assistant.label.checker import well_read_lines

    img = Image.new("L", (1000, 300), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 48)
    d.text((40, 30), "Vital Lab", font=font, fill=0)
    d.text((40, 150), "Sugar Balance Plus", font=font, fill=0)
    words = [OcrWord("Vital", 96, 0, 40, 40, 110, 45), OcrWord("Lab", 97, 0, 160, 40, 80, 45),
             # only "Sugar Balanc" was read (the rest under glare): the line must not be blanked
             OcrWord("Sugar", 93, 1, 40, 160, 130, 50), OcrWord("Balanc", 92, 1, 180, 160, 150, 50),
             OcrWord("=)", 40, 2, 500, 260, 20, 20)]
    boxes = well_read_lines(OcrResult([OcrPass("kor+eng", words)]))
    assert len(boxes) == 2  # the low-confidence line is never blanked
    dark = dict(retry_images(img, boxes))["flat-dark-text"]
    arr = np.asarray(dark)
    assert (arr[30:100, 30:260] < 128).sum() == 0  # "Vital Lab": read whole, blanked
    assert (arr[150:220, 30:330] < 128).sum() > 100  # "Sugar Balanc...": ink goes on to the right, kept


def test_second_round_reads_big_photos_shrunk_and_maps_words_back():
    class SizeOCR(RetryOCR):
        def read_best(self, images, hints=frozenset(), parallel=True, dark_on_white=False):
            self.sizes = [im.size for im in images]
            self.words = [OcrWord("Sibutramine", 90.0, 0, 100, 50, 200, 40)]
            return 0, OcrResult([OcrPass("fake", self.words)])

    buf = io.BytesIO()
    Image.new("RGB", (2000, 1000), "white").save(buf, "PNG")
    ocr = SizeOCR(["Vital Lab"], [])
    res = checker(ocr).check([buf.getvalue()])
    assert res.images[0]["preprocess"]["size"] == [1600, 800]
    assert ocr.sizes == [(1250, 625), (1250, 625)]
    w = ocr.words[0]  # in the prepared image's pixels again (x 1600/1250)
    assert (w.left, w.top, w.width, w.height) == (128, 64, 256, 51)
    assert res.verdict == "hazard"


def two_tone_label(band: bool) -> bytes:
    """A clean label, dark text on white; with `band`, its name light on a dark band."""
    img = Image.new("RGB", (1100, 520), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    if band:
        d.rectangle((0, 20, 1100, 120), fill=(20, 60, 40))
    d.text((40, 40), "Morning Garden Honey", font=ImageFont.truetype(FONT, 60), fill="white" if band else "black")
    for i, line in enumerate(["Ingredients: acacia honey 100%", "Net weight 500 g", "Keep in a cool dry place"]):
        d.text((40, 200 + 100 * i), line, font=font, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("band", [False, True])
def test_second_round_flattens_only_the_polarities_the_label_shows(band):
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    class Spy(TesserocrOCR):
        def read_best(self, images, hints=frozenset(), parallel=True, dark_on_white=False):
            self.given = len(images)
            return super().read_best(images, hints, parallel, dark_on_white)

    ocr = Spy(["kor", "eng"])
    res = checker(ocr).check([two_tone_label(band)])
    assert res.verdict == "no_match" and "retry" in res.images[0]  # nothing strong: the second round ran
    # dark text only: the light-text image (the gaps between the letters) is not read; a light band: both are
    assert res.images[0]["retry_polarities"] == (["dark", "light"] if band else ["dark"])
    assert ocr.given == (2 if band else 1)
