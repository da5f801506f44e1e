"""lines.py (text lines found by image analysis) and name_lines.py (tallest lines read first, stop at a strong
product name), on labels drawn in the test; the real Tesseract where it is installed."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.legal import LegalBasis
from assistant.label.lines import LineBox, find_lines, one_polarity_per_row
from assistant.label.match import NameIndex, match_all
from assistant.label.name_lines import name_candidates, read_name_lines
from assistant.label.ocr import FakeOCR, OcrPass, OcrResult, OcrWord
from assistant.label.preprocess import preprocess
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import find_tessdata, installed_languages

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
THAI_FONT = "/usr/share/fonts/opentype/tlwg/Loma-Bold.otf"
MODELS = installed_languages(find_tessdata()) or set()
needs_fonts = pytest.mark.skipif(not (Path(FONT).exists() and Path(BOLD).exists()), reason="DejaVu fonts not installed")
PRODUCTS = [
    {"seq": "1", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co., Ltd.", "ingredients": "시부트라민",
     "registered": "20230105", "source": "I2715.json"},
    {"seq": "2", "product": "Black Mamba Energy", "manufacturer": "Black Mamba Labs", "ingredients": "시부트라민",
     "registered": "20230105", "source": "I2715.json"},
    {"seq": "3", "product": "ไฟเบอร์ดีท็อกซ์", "manufacturer": "Siam Natural Co., Ltd.", "ingredients": "시부트라민",
     "registered": "20231108", "source": "I2715.json"},
]


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def draw(lines: list[tuple[str, str, int, tuple[int, int]]], size=(1200, 700), bg="white") -> tuple[Image.Image, list]:
    """Lines (text, font, size, (x, y)) in black; returns the image and each line's drawn box."""
    img = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(img)
    boxes = []
    for text, font, px, xy in lines:
        f = ImageFont.truetype(font, px)
        d.text(xy, text, font=f, fill="black")
        boxes.append(d.textbbox(xy, text, font=f))
    return img, boxes


def covers(found, box, slack=12) -> bool:
    x0, y0, x1, y1 = box
    return found.left <= x0 + slack and found.right >= x1 - slack and found.top <= y0 + slack and found.bottom >= y1 - slack


@needs_fonts
def test_lines_come_back_tallest_first_and_cover_the_drawn_text():
    img, boxes = draw([("Natural Choice", FONT, 30, (60, 40)), ("Golden Bee Slim Tea", BOLD, 84, (60, 120)),
                       ("Dietary supplement", FONT, 48, (60, 300)), ("Ingredients: green tea, rice flour", FONT, 30, (60, 420))])
    found = find_lines(img)
    assert len(found) == 4
    assert [round(b.height) for b in found] == sorted((round(b.height) for b in found), reverse=True)
    # by height: the 84 px name, the 48 px subtitle, then the two 30 px lines
    assert covers(found[0], boxes[1]) and covers(found[1], boxes[2])
    assert {id(b) for b in found[2:]} == {id(b) for b in found if covers(b, boxes[0]) or covers(b, boxes[3])}
    assert all(b.polarity == "dark" for b in found)
    assert name_candidates(found)[0] is found[0]


@needs_fonts
def test_a_light_name_on_a_dark_band_is_found_as_a_light_line():
    img = Image.new("RGB", (1200, 600), (250, 245, 235))
    d = ImageDraw.Draw(img)
    d.text((60, 40), "Herbal Origin", font=ImageFont.truetype(FONT, 32), fill=(150, 40, 60))
    d.rectangle((0, 120, 1200, 330), fill=(90, 20, 40))
    f = ImageFont.truetype(BOLD, 80)
    d.text((120, 180), "Black Mamba Energy", font=f, fill=(250, 245, 235))
    band_text = d.textbbox((120, 180), "Black Mamba Energy", font=f)
    for i, line in enumerate(["Ingredients: caffeine, green tea", "Manufacturer: Black Mamba Labs", "Take 2 daily"]):
        d.text((60, 380 + 60 * i), line, font=ImageFont.truetype(FONT, 30), fill=(40, 30, 30))
    found = find_lines(img)
    assert found[0].polarity == "light" and covers(found[0], band_text)
    assert all(b.polarity == "dark" for b in found[1:])  # the band's edges are not a line


def _stripe_band(text: str, stripe_x: int, size=(1200, 520)) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """White letters on a dark band with a vertical specular stripe (a curved bottle's highlight, brightness added
    with a smooth bell profile) across it; returns the photo and the letters' box."""
    img = Image.new("RGB", size, (235, 240, 230))
    d = ImageDraw.Draw(img)
    d.text((60, 40), "Nutri Best", font=ImageFont.truetype(FONT, 28), fill=(30, 90, 40))
    d.rectangle((200, 140, 1000, 330), fill=(25, 80, 40))
    f = ImageFont.truetype(BOLD, 60)
    d.text((240, 200), text, font=f, fill=(245, 250, 245))
    letters = d.textbbox((240, 200), text, font=f)
    for i, line in enumerate(["Ingredients: zinc oxide, chromium", "Take 2 capsules daily", "Net 60 capsules"]):
        d.text((60, 370 + 45 * i), line, font=ImageFont.truetype(FONT, 26), fill=(40, 40, 40))
    x = np.arange(size[0], dtype=float)
    glow = 150.0 * np.exp(-0.5 * ((x - stripe_x) / 28.0) ** 2)
    arr = np.asarray(img).astype(float) + glow[None, :, None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), letters


@needs_fonts
def test_a_specular_stripe_across_a_band_is_no_line_and_does_not_split_the_name():
    # the band's dark flanks beside the stripe differ from the median background as much as letters do, and are
    # taller than the name: without the soft-edge test they were the "tallest lines" and took the name crops; the
    # stripe also washes out the letters under it, splitting the name into two pieces four glyph heights apart
    img, letters = _stripe_band("SUGAR BALANCE", stripe_x=500)
    found = find_lines(img)
    name = [b for b in found if b.polarity == "light" and b.top < letters[3] and b.bottom > letters[1]]
    assert len(name) == 1 and covers(name[0], letters)
    assert found[0] is name[0]  # nothing taller: the stripe's flanks are shading, not ink
    assert name_candidates(found)[0] is name[0]
    if MODELS:
        read = read_name_lines(_engine(), preprocess(img)[0], lambda passes: False)
        index = NameIndex(ListSnapshot.from_rows([dict(PRODUCTS[0], product="Sugar Balance", manufacturer="GlucoHealth")], []))
        product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
        assert product and product[0].strength == "strong" and product[0].canonical == "Sugar Balance"


def test_row_pieces_merge_across_shading_and_a_row_ending_in_it_is_taken_through_it():
    from assistant.label.lines import _merge_pieces

    a, b = LineBox(440, 300, 630, 330, 28.0, "light", 5), LineBox(745, 300, 800, 330, 28.0, "light", 2)
    stripe = [(585, 250, 740, 298)]  # a flank of a stripe just above the row, spanning the gap
    assert len(_merge_pieces([a, b])) == 2  # 115 px apart: more than MERGE_GAP glyph heights
    merged = _merge_pieces([a, b], stripe)
    assert len(merged) == 1 and (merged[0].left, merged[0].right, merged[0].glyphs) == (440, 800, 7)
    far = [(585, 420, 740, 470)]  # shading far below the row lies across another row
    assert len(_merge_pieces([a, b], far)) == 2
    short = LineBox(565, 350, 617, 378, 26.0, "light", 2)  # "PL", its "US" under the stripe
    (taken,) = _merge_pieces([short], [(583, 388, 740, 436)])
    assert taken.left == 565 and taken.right == 740
    (kept,) = _merge_pieces([short], [(700, 388, 740, 436)])  # shading that does not start at the row's end
    assert kept == short


def test_a_solid_block_and_barcode_bars_are_not_lines():
    img = Image.new("L", (800, 400), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((40, 40, 400, 120), fill=0)
    for i in range(40):  # bars of a barcode: thin, tall, evenly high
        x = 450 + i * 8
        d.rectangle((x, 200, x + 2 + (i % 3), 330), fill=0)
    assert find_lines(img) == []


def _checker(ocr) -> LabelChecker:
    return LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), ocr, LegalBasis(None))


@needs_fonts
def test_name_reader_stops_at_a_strong_name_and_skips_the_page_passes():
    img, _ = draw([("Golden Bee Slim Tea", BOLD, 84, (60, 60)), ("Natural Choice", BOLD, 60, (60, 220)),
                   ("Ingredients: green tea", FONT, 30, (60, 360)), ("Take 2 capsules daily", FONT, 30, (60, 420)),
                   ("Made in USA", FONT, 30, (60, 480))])
    ocr = FakeOCR(["Ingredients: green tea"], line_reads=["Golden Bee Slim Tea", "Natural Choice"])
    res = _checker(ocr).check([png(img)])
    assert res.verdict == "hazard" and res.matches[0].via == "name" and res.matches[0].strength == "strong"
    assert res.matches[0].canonical == "Golden Bee Slim Tea"
    assert ocr.line_calls == ["fake"] and ocr.calls == 0  # one crop, the tallest; no page pass
    assert res.images[0]["name_lines"]["crops_read"] == 1 and "Golden Bee Slim Tea" in res.ocr_text
    # nothing decisive on the name lines: every candidate is read, then the page pass as before
    ocr = FakeOCR(["Ingredients: green tea"], line_reads=["Natural Choice", "Golden Honey"])
    res = _checker(ocr).check([png(img)])
    assert res.verdict == "no_match" and ocr.calls == 1 and len(ocr.line_calls) == 2


class PerPhotoOCR(FakeOCR):
    """Page reads that differ per photo (front, back), in call order."""

    def __init__(self, pages: list[list[str]], line_reads: list[str]):
        super().__init__([], line_reads=line_reads)
        self.pages = pages

    def read(self, img, hints=frozenset()):
        words = [OcrWord(t, 90.0, i) for i, ln in enumerate(self.pages[self.calls]) for t in ln.split()]
        self.calls += 1
        return OcrResult([OcrPass("fake", words)])


def test_front_name_and_back_manufacturer_support_each_other():
    # a Thai name read with two slips (ท→ห, an extra vowel sign): similar, not strong on its own
    front = [OcrPass("tha", [OcrWord("ไฟเบอร์ดีหือกซ์", 90.0, 0)], region="lines")]
    back = [OcrPass("kor+eng", [OcrWord(t, 90.0, 0) for t in "Manufacturer: Siam Natural Co., Ltd.".split()])]
    index = NameIndex(ListSnapshot.from_rows(PRODUCTS, []))
    alone = [m for m in match_all(index, front, []) if m.kind == "product"]
    assert alone and alone[0].strength == "weak"
    pooled = [m for m in match_all(index, front + back, []) if m.kind == "product"]
    assert pooled[0].strength == "strong" and pooled[0].canonical == "ไฟเบอร์ดีท็อกซ์" and "제조사" in pooled[0].evidence
    # another maker on the back does not help
    other = [OcrPass("kor+eng", [OcrWord(t, 90.0, 0) for t in "Manufacturer: Good Nature Co.".split()])]
    assert [m.strength for m in match_all(index, front + other, []) if m.kind == "product"] == ["weak"]


@needs_fonts
def test_group_check_pools_the_front_name_lines_with_the_back_page():
    front, _ = draw([("Golden Bee", BOLD, 84, (60, 60)), ("Slim Tea", BOLD, 84, (60, 200))], size=(1200, 400))
    back, _ = draw([("Ingredients: green tea", FONT, 30, (60, 60)), ("Manufacturer: Golden Bee Co., Ltd.", FONT, 30, (60, 120))],
                   size=(1200, 300))
    # front read "Goldan Bez Slim Tez" over two lines: three slips, and the name split — weak without its maker
    ocr = PerPhotoOCR([["Goldan Bez", "Slim Tez"], ["Ingredients: green tea", "Manufacturer: Golden Bee Co., Ltd."]],
                      line_reads=["Goldan Bez", "Slim Tez"])
    res = _checker(ocr).check([png(front), png(back)], names=["front.jpg", "back.jpg"])
    product = next(m for m in res.matches if m.kind == "product")
    assert res.verdict == "hazard" and product.strength == "strong" and product.canonical == "Golden Bee Slim Tea"
    assert ocr.calls == 2  # the name lines alone were not decisive: both photos' pages were read
    alone = _checker(PerPhotoOCR([["Goldan Bez", "Slim Tez"]], line_reads=["Goldan Bez", "Slim Tez"])).check([png(front)])
    assert alone.verdict == "review"  # the same front without the back: only similar


def test_a_near_miss_one_letter_shorter_stays_weak():
    index = NameIndex(ListSnapshot.from_rows(PRODUCTS, []))
    read = [OcrPass("kor+eng", [OcrWord(t, 95.0, 0) for t in "Black Maca Energy".split()], region="lines")]
    assert all(m.strength == "weak" for m in match_all(index, read, []))


def _engine():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    return TesserocrOCR(["kor", "eng", "chi_sim", "jpn", "tha", "vie"])


@needs_fonts
@pytest.mark.skipif(not MODELS, reason="Tesseract models not installed")
def test_real_tesseract_reads_the_tallest_line_and_stops():
    img, _ = draw([("Premium Health", FONT, 30, (60, 40)), ("Black Mamba Energy", BOLD, 80, (60, 110)),
                   ("Ingredients: caffeine, taurine, green tea", FONT, 30, (60, 260)), ("Take 2 capsules daily", FONT, 30, (60, 320)),
                   ("Net 60 capsules", FONT, 30, (60, 380))])
    res = _checker(_engine()).check([png(img)])
    assert res.verdict == "hazard" and res.matches[0].canonical == "Black Mamba Energy" and res.matches[0].via == "name"
    assert res.images[0]["name_lines"]["crops_read"] == 1 and res.images[0]["ocr"].startswith("name lines only")


@pytest.mark.skipif("tha" not in MODELS or not Path(THAI_FONT).exists(), reason="tha model or Thai font not installed")
def test_real_tesseract_reads_a_thai_name_on_a_dark_band():
    img = Image.new("RGB", (1100, 560), (245, 245, 240))
    d = ImageDraw.Draw(img)
    d.rectangle((250, 150, 850, 330), fill=(25, 25, 30))
    d.text((320, 185), "ไฟเบอร์ดีท็อกซ์", font=ImageFont.truetype(THAI_FONT, 76), fill=(250, 250, 250))
    for i, line in enumerate(["Ingredients: rice flour, caffeine", "Take 2 capsules daily", "Net 30 capsules"]):
        d.text((60, 380 + 50 * i), line, font=ImageFont.truetype(THAI_FONT, 30), fill=(20, 20, 20))
    engine = _engine()
    prepared = preprocess(img)[0]
    read = read_name_lines(engine, prepared, lambda passes: False)
    assert read.info["crops_read"] >= 1 and "tha" in read.info["models"][0]
    res = _checker(engine).check([png(img)])
    assert res.verdict == "hazard" and res.matches[0].canonical == "ไฟเบอร์ดีท็อกซ์"
    assert "tha" in res.images[0]["passes"]


class ScriptedLineOCR(FakeOCR):
    """`read_lines` answers from a script: {(crop number, polarity, model): (text, confidence)}; a crop is
    told apart by its box (the test passes the lines), its polarity by how the reader asked for it."""

    models: dict = {"first": "kor+eng", "cjk": ["chi_sim", "jpn"], "thai": None, "vie": None}

    def __init__(self, script: dict, boxes: list):
        super().__init__([])
        self.script, self.boxes, self.asked, self.raw = script, boxes, [], []
        self.current: tuple[int, str] = (0, "dark")

    def read_lines(self, crops, langs, raw=False):
        self.asked.append((*self.current, langs))
        self.raw += [(*self.current, langs)] if raw else []
        said = self.script.get((*self.current, langs), ("", 0.0))
        words = said if isinstance(said, list) else [(t, said[1]) for t in said[0].split()]  # [(word, conf)] or (text, conf)
        return [OcrPass(langs, [OcrWord(t, c, 0) for t, c in words], region="line") for _ in crops]


def _scripted_read(ocr: ScriptedLineOCR, boxes: list, img: Image.Image):
    """read_name_lines with the crop being read made known to the scripted engine (through line_crop); the grey
    pixels (clean=False) are told apart as polarity "grey"."""
    import assistant.label.name_lines as nl

    real = nl.line_crop

    def crop(image, box, clean=True):
        n = next(i for i, b in enumerate(boxes) if (b.left, b.top, b.right, b.bottom) == (box.left, box.top, box.right, box.bottom))
        ocr.current = (n, box.polarity if clean else "grey")
        return real(image, box, clean)

    nl.line_crop = crop
    try:
        return read_name_lines(ocr, img, lambda passes: False, lines=boxes)
    finally:
        nl.line_crop = real


JA_PRODUCTS = [{"seq": "9", "product": "スリムビューティー", "manufacturer": "株式会社ビューティラボ", "source": "I2715.json"}]


def test_a_cjk_model_that_read_one_name_line_also_reads_the_next_one():
    # a name wrapped over two lines; kor+eng reads the short second line as a plausible Latin word ("Tir", 70):
    # not junk on its own, but the photo's first name line was Japanese, so jpn reads it too
    boxes = [LineBox(100, 100, 500, 160, 56.0, "dark", 6), LineBox(150, 200, 400, 260, 50.0, "dark", 3)]
    script = {(0, "dark", "kor+eng"): ("AYVLAEa-", 0.0), (0, "dark", "chi_sim"): ("又 JUAE", 40.0),
              (0, "dark", "jpn"): ("スリ ム ビ ュ ー", 90.0), (1, "dark", "kor+eng"): ("Tir", 70.0),
              (1, "dark", "jpn"): ("ティ ー", 93.0)}
    ocr = ScriptedLineOCR(script, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert (1, "dark", "jpn") in ocr.asked and (1, "dark", "chi_sim") not in ocr.asked  # the label's model first
    index = NameIndex(ListSnapshot.from_rows(JA_PRODUCTS, []))
    product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
    assert product and product[0].strength == "strong" and product[0].canonical == "スリムビューティー"
    # a Latin label: a crop kor+eng reads clearly is not shown to the CJK models
    ocr = ScriptedLineOCR({(0, "dark", "kor+eng"): ("Black Mamba", 92.0), (1, "dark", "kor+eng"): ("Energy", 91.0)}, boxes)
    _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert [a[2] for a in ocr.asked] == ["kor+eng", "kor+eng"]


def test_a_name_crop_no_model_reads_is_read_again_in_the_other_polarity():
    # the detector kept the light copy of a row (a drop shadow's pieces); every model reads it as junk, the
    # dark copy reads the name
    boxes = [LineBox(100, 100, 560, 170, 60.0, "light", 11)]
    script = {(0, "light", "kor+eng"): ("AT Sas", 29.0), (0, "dark", "kor+eng"): ("Golden Bee Slim Tea", 93.0)}
    ocr = ScriptedLineOCR(script, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (700, 300), 255))
    assert ocr.asked[0] == (0, "light", "kor+eng") and (0, "dark", "kor+eng") in ocr.asked
    assert read.info["flipped"] == 1 and read.passes[0].text == "Golden Bee Slim Tea"
    index = NameIndex(ListSnapshot.from_rows(PRODUCTS, []))
    assert match_all(index, read.passes, [])[0].strength == "strong"
    # the other polarity reads nothing clearly either: the first reads are kept
    ocr = ScriptedLineOCR({(0, "light", "kor+eng"): ("AT Sas", 29.0)}, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (700, 300), 255))
    assert read.passes[0].langs == "kor+eng" and read.passes[0].text == "AT Sas"


ZH_PRODUCTS = [{"seq": "23", "product": "强力男宝胶囊", "manufacturer": "北京康力保健品有限公司", "source": "I2715.json"}]


def test_a_name_no_model_makes_letters_of_in_either_polarity_is_read_from_its_grey_pixels():
    # a heavy Han name under a dark stripe: the cleaned crop loses its strokes; kor+eng writes "?" and ":" for the
    # blobs (confident) around one junk word, which is junk all the same (the CJK models are asked); neither
    # polarity gives letters, the grey pixels do (chi_sim, its last character unsure), and that read is kept
    boxes = [LineBox(100, 100, 400, 150, 45.0, "dark", 3)]
    script = {(0, "dark", "kor+eng"): [("?", 90.0), ("RRR.", 18.0), (":", 81.0)],
              (0, "dark", "chi_sim"): [("?", 40.0), ("力", 30.0), ("宝玻", 12.0)],
              (0, "light", "kor+eng"): [("i", 20.0)],
              (0, "grey", "kor+eng"): [("SABER", 35.0)],
              (0, "grey", "chi_sim"): [("强力", 86.0), ("男", 73.0), ("宝", 93.0), ("胶", 0.0)]}
    ocr = ScriptedLineOCR(script, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert (0, "dark", "chi_sim") in ocr.asked  # "? RRR. :" is junk though its mean confidence is 63
    assert read.info["grey"] == 1 and (0, "grey", "chi_sim") in ocr.asked
    assert ocr.raw == [a for a in ocr.asked if a[1] == "grey"]  # only the grey try reads as a raw line where needed
    index = NameIndex(ListSnapshot.from_rows(ZH_PRODUCTS, []))
    product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
    assert product and product[0].strength == "strong" and product[0].canonical == "强力男宝胶囊"  # the last 囊 cut off
    # a read that made out letters, only not clearly ("활력파워검", the last syllable at 35): no grey try, and that
    # read is kept (the grey read's confident "위엄" would be two letters off)
    ko = {(0, "dark", "kor+eng"): [("활력", 93.0), ("파", 93.0), ("워", 92.0), ("검", 35.0)],
          (0, "grey", "kor+eng"): [("활력", 93.0), ("파", 93.0), ("위엄", 77.0)]}
    ocr = ScriptedLineOCR(ko, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert "grey" not in read.info and all(a[1] != "grey" for a in ocr.asked)
    assert read.passes[0].text == "활력 파 워 검"


@needs_fonts
def test_clean_line_keeps_the_letters_under_glare_over_part_of_the_line():
    # light letters on a grey band; glare over the right half lifts the background and washes the letters out
    # (far less contrast than on the left): one threshold for the whole line drops them
    from assistant.label.lines import clean_line

    w, h = 1000, 140
    band = np.full((h, w), 90.0)
    band[:, w // 2:] = np.linspace(90, 215, w - w // 2)[None, :]
    text = Image.new("L", (w, h), 0)
    ImageDraw.Draw(text).text((40, 30), "Green Coffee Slim 800", font=ImageFont.truetype(BOLD, 72), fill=255)
    letters = np.asarray(text) > 128
    contrast = np.full((h, w), 60.0)  # the letters 60 levels above their background, 10 in the full glare
    contrast[:, w // 2:] = np.linspace(60, 10, w - w // 2)[None, :]
    img = Image.fromarray(np.clip(band + np.where(letters, contrast, 0), 0, 255).astype(np.uint8))
    ink = np.asarray(clean_line(img, LineBox(40, 40, 960, 110, 60.0, "light", 19), (0, 0))) < 128
    for a, b in ((0, 250), (250, 500), (500, 750), (750, 1000)):  # every quarter, the glared one too
        assert (ink[:, a:b] & letters[:, a:b]).sum() > 0.8 * letters[:, a:b].sum()
    assert (ink & ~letters).sum() < 0.02 * letters.sum()  # and no background taken for ink


@needs_fonts
@pytest.mark.skipif(not MODELS, reason="Tesseract models not installed")
def test_a_wrapped_name_whose_last_word_is_one_blob_is_read_with_its_line():
    # the name wrapped onto a second row that holds one word with its letters touching (a decorative font):
    # one component, no line of its own; under the name line it is the name's end, read with it as one line
    img, boxes = draw([("FAT BLASTER", BOLD, 80, (60, 60)), ("Ingredients: caffeine, green tea", FONT, 30, (60, 330)),
                       ("Take 2 capsules daily", FONT, 30, (60, 390)), ("Net 60 capsules", FONT, 30, (60, 450))])
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(BOLD, 80)
    x = 260
    for ch in "MAX":  # each letter overlapping the one before it
        d.text((x, 165), ch, font=f, fill="black")
        x += round(0.8 * d.textlength(ch, font=f))
    found = find_lines(img)
    assert covers(found[0], boxes[0]) and len(found[0].wrapped) == 1 and found[0].wrapped[0].glyphs == 1
    assert all(b.top > found[0].wrapped[0].bottom or b is found[0] for b in found)  # MAX is no line of its own
    read = read_name_lines(_engine(), preprocess(img)[0], lambda passes: False)
    index = NameIndex(ListSnapshot.from_rows([dict(PRODUCTS[0], product="Fat Blaster Max", manufacturer="Shape Lab Inc.")], []))
    product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
    assert product and product[0].strength == "strong" and product[0].canonical == "Fat Blaster Max"


@needs_fonts
@pytest.mark.skipif(not MODELS, reason="Tesseract models not installed")
def test_a_blob_past_a_gap_on_the_name_line_is_part_of_the_line():
    # "Rhino Gold", a wide gap (where a specular stripe crossed the bottle), then "9000" blurred into one blob:
    # one component is no line of its own, but on the name line's rows it is the name's end
    img, boxes = draw([("Rhino Gold", BOLD, 80, (60, 60)), ("Ingredients: caffeine, green tea", FONT, 30, (60, 260)),
                       ("Take 2 capsules daily", FONT, 30, (60, 320)), ("Net 60 capsules", FONT, 30, (60, 380))])
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(BOLD, 80)
    x = boxes[0][2] + 110
    for ch in "9000":
        d.text((x, 60), ch, font=f, fill="black")
        x += round(0.8 * d.textlength(ch, font=f))
    found = find_lines(img)
    assert covers(found[0], (boxes[0][0], boxes[0][1], x, boxes[0][3]))
    read = read_name_lines(_engine(), preprocess(img)[0], lambda passes: False)
    index = NameIndex(ListSnapshot.from_rows([dict(PRODUCTS[0], product="Rhino Gold 9000", manufacturer="Rhino Wellness")], []))
    product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
    assert product and product[0].strength == "strong" and product[0].canonical == "Rhino Gold 9000"


@needs_fonts
@pytest.mark.skipif(not MODELS, reason="Tesseract models not installed")
def test_a_light_name_with_a_drop_shadow_is_found_as_the_light_line():
    # light letters on a dark band with a black drop shadow: the shadow's slivers are more pieces than the letters,
    # but the letters span the whole row and are as tall: they are the line, and read as it on the first try
    img = Image.new("RGB", (1100, 600), (245, 245, 240))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 120, 1100, 340), fill=(90, 20, 40))
    f = ImageFont.truetype(FONT.replace("DejaVuSans", "DejaVuSans-Bold"), 80)
    d.text((555, 235), "Golden Bee Slim Tea", font=f, fill=(0, 0, 0), anchor="mm")
    d.text((550, 230), "Golden Bee Slim Tea", font=f, fill=(250, 250, 250), anchor="mm")
    letters = d.textbbox((550, 230), "Golden Bee Slim Tea", font=f, anchor="mm")
    for i, line in enumerate(["Ingredients: rice flour, caffeine", "Take 2 capsules daily", "Net 30 capsules"]):
        d.text((60, 380 + 50 * i), line, font=ImageFont.truetype(FONT, 30), fill=(20, 20, 20))
    found = find_lines(img)
    assert found[0].polarity == "light" and covers(found[0], letters)
    read = read_name_lines(_engine(), preprocess(img)[0], lambda passes: False)
    assert "flipped" not in read.info
    index = NameIndex(ListSnapshot.from_rows(PRODUCTS, []))
    assert match_all(index, read.passes, [])[0].strength == "strong"


@needs_fonts
def test_a_large_name_and_body_text_on_the_same_rows_are_two_lines():
    # a front label with the name on the left and the maker's line of small print to its right, on the name's rows:
    # grouped as one line, the name's crop took the body text in and no model read it
    f = ImageFont.truetype(BOLD, 72)
    probe = ImageDraw.Draw(Image.new("L", (10, 10))).textbbox((60, 200), "SLIM BEAUTY", font=f)
    img, boxes = draw([("SLIM BEAUTY", BOLD, 72, (60, 200)),
                       ("Manufacturer: Beauty Lab Co.", FONT, 22, (probe[2] + 40, 236))])
    found = find_lines(img)
    name = found[0]
    assert covers(name, boxes[0]) and name.right < boxes[1][0]  # the name's line stops before the small print
    assert any(covers(b, boxes[1]) and b.left > boxes[0][2] for b in found)  # which is a line of its own


def test_a_line_lying_over_two_rows_of_the_other_polarity_is_not_kept():
    # measured on a photo: white "BODY SCULPT / CAPSULES" on a dark band with a specular stripe; the band's dark
    # pieces between the rows made one tall dark "line" (2 pieces) over both, each row covering under half of it,
    # and as the tallest line it took the name candidates from the two real rows
    rows = [LineBox(601, 391, 926, 431, 36.3, "light", 7), LineBox(645, 450, 901, 488, 36.3, "light", 5)]
    band = LineBox(693, 403, 901, 472, 64.3, "dark", 2)
    kept = one_polarity_per_row([band, *rows])
    assert band not in kept and all(r in kept for r in rows)
    assert name_candidates(sorted(kept, key=lambda b: -b.height)) == rows
    # a dark line beside a light one, touching it at a corner, stays (two lines of a label, not one row)
    beside = LineBox(880, 380, 1300, 440, 40.0, "dark", 9)
    assert beside in one_polarity_per_row([beside, *rows])


def _names_the_kana_product(read) -> bool:
    """The name reader's passes name スリムビューティー strongly."""
    index = NameIndex(ListSnapshot.from_rows(JA_PRODUCTS, []))
    product = [m for m in match_all(index, read.passes, []) if m.kind == "product"]
    return bool(product) and product[0].strength == "strong" and product[0].canonical == "スリムビューティー"


def test_a_kana_name_kor_eng_writes_with_a_lone_hangul_letter_goes_to_the_cjk_models():
    # スリムビュ read by kor+eng as "ㅅ Ly Ea" at 61: above the junk line, but a lone Hangul letter is no word of a name
    boxes = [LineBox(100, 100, 500, 160, 56.0, "dark", 6), LineBox(150, 200, 400, 260, 50.0, "dark", 3)]
    script = {(0, "dark", "kor+eng"): ("ㅅ Ly Ea", 61.0), (0, "dark", "jpn"): ("ス リム ビュ", 95.0),
              (1, "dark", "kor+eng"): ("Tir", 70.0), (1, "dark", "jpn"): ("ー ティ ー", 93.0)}
    ocr = ScriptedLineOCR(script, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert (0, "dark", "jpn") in ocr.asked
    assert _names_the_kana_product(read)
    # the same read without the lone letter is left to kor+eng (a plausible Latin read at 61 is not junk)
    ocr = ScriptedLineOCR({(0, "dark", "kor+eng"): ("Slim Ly Ea", 61.0), (1, "dark", "kor+eng"): ("Tir", 70.0)}, boxes)
    _scripted_read(ocr, boxes, Image.new("L", (600, 300), 255))
    assert (0, "dark", "jpn") not in ocr.asked


def test_a_name_read_alone_with_a_letter_lost_inside_is_strong_and_a_near_miss_is_not():
    # a name-line pass holding only the name, one letter lost inside ("Mass Build.:r | Anabolic"): shorter than the
    # name, so only an exact rest of it counted before; within 10 % edits of the whole name it is the name
    index = NameIndex(ListSnapshot.from_rows([dict(PRODUCTS[0], product="Mass Builder Anabolic", manufacturer="Iron Gym")],
                                             []))
    read = [OcrPass("kor+eng", [OcrWord("Mass", 90.0, 0), OcrWord("Build.:r", 70.0, 0), OcrWord("Anabolic", 92.0, 1)],
                    region="lines")]
    product = [m for m in match_all(index, read, []) if m.kind == "product"]
    assert product and product[0].strength == "strong"
    # two edits of a shorter name are another product: "Black Maca Energy" read alone is not Black Mamba Energy
    index = NameIndex(ListSnapshot.from_rows(PRODUCTS, []))
    alone = [OcrPass("kor+eng", [OcrWord(t, 95.0, 0) for t in "Black Maca Energy".split()], region="lines")]
    assert not any(m.strength == "strong" for m in match_all(index, alone, []))


def test_a_fair_chi_sim_read_of_a_kana_name_does_not_keep_jpn_from_reading_it():
    # chi_sim reads kana as simple Han glyphs with fair confidence (スリムビューティー as "又 UAL 了 一 于 了 一", 67): clear
    # enough to count as read, so jpn never saw the crop; below SURE_CJK_LINE the other CJK model reads it too
    boxes = [LineBox(100, 100, 600, 160, 56.0, "dark", 9)]
    script = {(0, "dark", "kor+eng"): ("AYLEa-TF4t-", 4.0), (0, "dark", "chi_sim"): ("又 UAL 了 一 于 了 一", 67.0),
              (0, "dark", "jpn"): ("スリ ム ビ ュ ー テ ィ ー", 93.0)}
    ocr = ScriptedLineOCR(script, boxes)
    read = _scripted_read(ocr, boxes, Image.new("L", (700, 300), 255))
    assert (0, "dark", "jpn") in ocr.asked
    assert _names_the_kana_product(read)
    # a chi_sim read this sure ends the tries: a clear Chinese name costs no jpn read
    ocr = ScriptedLineOCR({(0, "dark", "kor+eng"): ("AYLEa-TF4t-", 4.0), (0, "dark", "chi_sim"): ("极速 瘦身 胶囊", 88.0)},
                          boxes)
    _scripted_read(ocr, boxes, Image.new("L", (700, 300), 255))
    assert [a[2] for a in ocr.asked] == ["kor+eng", "chi_sim"]
