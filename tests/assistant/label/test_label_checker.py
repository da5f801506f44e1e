"""checker.py and the check-label command: the whole pipeline on images drawn in the test."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.cli import main
from assistant.label.checker import LabelChecker
from assistant.label.legal import NO_REGULATIONS_NOTE, LegalBasis
from assistant.label.ocr import FakeOCR
from assistant.label.snapshot import ListSnapshot

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
BOLD_FONT = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
PRODUCTS = [{"seq": "2023000001", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co., Ltd.",
             "ingredients": "시부트라민", "barcode": "8801234567893", "registered": "20230105", "source": "I2715.json"}]
INGREDIENTS = [{"name_ko": "시부트라민", "name_en": "Sibutramine", "status": "Y", "designated": "20240210", "source": "blocked.json"}]


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def text_image(text: str) -> Image.Image:
    img = Image.new("RGB", (900, 200), "white")
    ImageDraw.Draw(img).text((30, 60), text, font=ImageFont.truetype(FONT, 48), fill="black")
    return img


@dataclass
class FakeHit:
    source: str
    locator: str
    title: str
    text: str


class FakeSearcher:
    def __init__(self):
        self.calls = 0

    def search(self, query, k=5, filters=None):
        self.calls += 1
        assert filters.kinds == ["regulation"]
        if "237" in query:
            return [FakeHit("관세법_샘플.txt", "제237조", "관세법 제237조(통관의 보류)", "세관장은 ... 통관을 보류할 수 있다.")]
        return []


def checker(lines, searcher=None):
    return LabelChecker(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS), FakeOCR(lines), LegalBasis(searcher))


def test_hazard_result_json_contract_and_cached_legal_basis():
    searcher = FakeSearcher()
    c = checker(["Golden Bee Slim Tea", "Manufacturer: Golden Bee Co., Ltd."], searcher)
    res = c.check([png(text_image("label"))], names=["front.png"]).to_json()
    assert list(res)[:8] == ["file", "verdict", "matches", "legal_basis", "ocr_text", "barcodes", "elapsed_ms", "message"]
    assert res["file"] == "front.png" and res["verdict"] == "hazard"
    m = res["matches"][0]
    assert set(m) >= {"kind", "name", "canonical", "score", "evidence", "source", "locator", "entry"}
    assert m["kind"] == "product" and m["locator"] == "SELF_IMPORT_SEQ 2023000001" and m["source"] == "I2715.json"
    assert res["legal_basis"][0]["locator"] == "제237조"
    calls = searcher.calls
    c.check([png(text_image("label"))])
    assert searcher.calls == calls  # cached per verdict type


def test_no_regulations_indexed_gives_empty_basis_with_note():
    res = checker(["Golden Bee Slim Tea", "Golden Bee Co., Ltd."]).check([png(text_image("x"))]).to_json()
    assert res["legal_basis"] == [] and NO_REGULATIONS_NOTE in res["notes"]


def test_group_pools_evidence_from_several_photos():
    from test_label_barcode import draw_ean13

    barcode_photo = Image.new("RGB", (600, 300), "white")
    barcode_photo.paste(draw_ean13("8801234567893").convert("RGB"), (100, 60))
    c = checker(["Vitamin", "Ingredients: rice"])
    res = c.check([png(text_image("front")), png(barcode_photo)], names=["front.png", "back.png"]).to_json()
    assert res["verdict"] == "hazard" and res["barcodes"] == ["8801234567893"]
    assert res["files"] == ["front.png", "back.png"] and res["matches"][0]["via"] == "barcode"


def test_no_match_message_uses_newest_list_date():
    res = checker(["Vitamin C 1000", "Ingredients: ascorbic acid, rice flour"]).check([png(text_image("x"))]).to_json()
    assert res["verdict"] == "no_match" and res["message"] == "목록에 없음 (기준일 2024-02-10)"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_cli_reports_bad_files_and_continues(tmp_path, capsys):
    good = tmp_path / "good.png"
    text_image("Vitamin C 1000 rice flour").save(good)
    (tmp_path / "notes.jpg").write_text("hello", encoding="utf-8")
    (tmp_path / "empty.png").write_bytes(b"")
    data = png(text_image("truncated label"))
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    files = [str(tmp_path / n) for n in ("notes.jpg", "empty.png", "good.png", "cut.png")]
    code = main(["--home", str(tmp_path / "home"), "check-label", "--json", *files])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code != 0
    assert [x["file"] for x in lines] == [files[0], files[1], files[2], files[3]]
    assert "error" in lines[0] and "이미지 파일이 아닙니다" in lines[0]["error"]
    assert "빈 파일" in lines[1]["error"]
    assert lines[2]["verdict"] == "no_match" and lines[2]["message"].startswith("목록에 없음 (기준일 ")
    assert "error" in lines[3]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
@pytest.mark.parametrize("turn", [90, 180])  # (at 270° Tesseract sometimes reads the vertical lines as they are)
def test_a_photo_taken_sideways_without_exif_is_turned_upright(turn):
    from assistant.label.ocr import TesseractOCR

    img = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 46)
    for i, line in enumerate(["Golden Bee Slim Tea", "Dietary supplement 60 capsules",
                              "Ingredients: green tea extract,", "Sibutramine, caffeine, fiber", "Made in USA"]):
        draw.text((40, 40 + i * 120), line, font=font, fill="black")
    sideways = img.rotate(turn, expand=True)  # no EXIF orientation tag: the pixels themselves are turned
    result = LabelChecker(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS), TesseractOCR(["kor", "eng"]),
                          LegalBasis(None)).check([png(sideways)])
    assert result.verdict == "hazard"
    assert any(m.kind == "product" and "Golden Bee Slim Tea" in str(m.entry) for m in result.matches)
    assert result.images[0].get("rotated") == turn  # degrees clockwise that undid the counter-clockwise turn


def test_a_group_stops_reading_pages_once_a_listed_product_is_found():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    class Counting(TesserocrOCR):
        pages = 0

        def read(self, img, hints=frozenset()):
            self.pages += 1
            return super().read(img, hints)

    ocr = Counting(["kor", "eng"])
    c = LabelChecker(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS), ocr, LegalBasis(None), read_names=False)
    front, back = png(text_image("Golden Bee Slim Tea")), png(text_image("Keep in a cool dry place"))
    res = c.check([front, back])
    assert res.verdict == "hazard" and res.matches[0].canonical == "Golden Bee Slim Tea"
    assert ocr.pages == 1 and res.images[1]["ocr"] == "skipped: settled by an earlier photo"
    # the other way round both pages are read (the name is on the last one)
    ocr.pages = 0
    assert c.check([back, front]).verdict == "hazard" and ocr.pages == 2


def test_a_name_read_a_little_off_is_the_product_when_its_listed_ingredient_is_read_too():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    img = Image.new("RGB", (1000, 520), "white")
    draw = ImageDraw.Draw(img)
    # two letters off the listed name (similarity ~88: weak alone), no manufacturer printed
    draw.text((40, 40), "Golden Bea Slim Toa", font=ImageFont.truetype(FONT, 72), fill="black")
    for i, line in enumerate(["Ingredients: green tea extract,", "Sibutramine HCl, caffeine", "Take 2 capsules daily"]):
        draw.text((40, 220 + i * 80), line, font=ImageFont.truetype(FONT, 40), fill="black")
    photo = png(img)
    ocr = TesserocrOCR(["kor", "eng"])

    def check(ingredients: str):
        products = [dict(PRODUCTS[0], ingredients=ingredients, barcode="")]
        return LabelChecker(ListSnapshot.from_rows(products, INGREDIENTS), ocr, LegalBasis(None)).check([photo])

    res = check("시부트라민")  # the product's own listed ingredient is on the panel: the product entry is named
    product = next(m for m in res.matches if m.kind == "product")
    assert res.verdict == "hazard" and product.strength == "strong" and 82 <= product.score < 90
    assert res.grounds["entry"]["kind"] == "product" and res.grounds["entry"]["name"] == "Golden Bee Slim Tea"
    # the same read when the listed product has another ingredient: the name stays a resemblance only
    res = check("페놀프탈레인")
    product = next(m for m in res.matches if m.kind == "product")
    assert res.verdict == "hazard" and product.strength == "weak"
    assert res.grounds["entry"]["kind"] == "ingredient"


THAI_FONT = "/usr/share/fonts/opentype/tlwg/Loma.otf"


@pytest.mark.skipif(not __import__("pathlib").Path(THAI_FONT).exists(), reason="Thai font not installed")
def test_a_thai_maker_on_the_back_gets_the_front_name_read_with_the_thai_model():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    # the front: a Thai name kor+eng reads as fairly confident Latin junk ("AANH waa", letters at 63 on average), so
    # the name reader does not show it to tha; the back: a Bangkok maker, which tells the product is Thai
    front = Image.new("RGB", (1100, 500), (245, 245, 240))
    d = ImageDraw.Draw(front)
    d.rectangle((0, 100, 1100, 320), fill=(25, 45, 110))
    d.text((550, 210), "สลิมมี่ พลัส", font=ImageFont.truetype(THAI_FONT, 72), fill=(250, 250, 250), anchor="mm")
    d.text((60, 380), "- Natural herbs", font=ImageFont.truetype(FONT, 30), fill=(20, 30, 60))
    back = Image.new("RGB", (1100, 400), "white")
    d = ImageDraw.Draw(back)
    for i, line in enumerate(["Ingredients: rice flour, inulin", "Take 2 capsules daily", "Manufacturer: Bangkok Herbal Co., Ltd."]):
        d.text((60, 60 + 80 * i), line, font=ImageFont.truetype(FONT, 40), fill="black")
    products = [{"seq": "2023000034", "product": "สลิมมี่ พลัส", "manufacturer": "Siam Slim Co.", "ingredients": "시부트라민",
                 "registered": "20231108", "source": "I2715.json"}]
    res = LabelChecker(ListSnapshot.from_rows(products, INGREDIENTS), TesserocrOCR(["kor", "eng", "tha"]),
                       LegalBasis(None)).check([png(front), png(back)])
    assert res.verdict == "hazard" and res.matches[0].canonical == "สลิมมี่ พลัส" and res.matches[0].strength == "strong"
    assert res.images[0]["name_lines"]["late"] == ["tha"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_korean_name_with_a_syllable_the_model_cannot_write_is_found_in_a_real_read():
    """Debian's `kor` model has no 슐, so "캡슐" is never read as written (캡술, 캡숄): with the model's own character set
    (charset.py) the listed name counts as read; with no charset known the same read stays short of it."""
    from assistant.label.charset import installed_charset
    from assistant.label.match import NameIndex, match_all
    from assistant.label.ocr import TesseractOCR

    if "슐" in installed_charset():
        pytest.skip("this Korean model can write 슐")
    listed = [{"seq": "2024000101", "product": "슬림핏 캡슐", "manufacturer": "", "ingredients": "", "barcode": "",
               "registered": "20240105", "source": "I2715.json"}]
    ocr, snap = TesseractOCR(["kor", "eng"]), ListSnapshot.from_rows(listed, [])
    reads = []
    for px in (36, 44, 52):  # a name line as name_lines.py crops it: dark glyphs on white
        crop = Image.new("L", (600, 100), 255)
        ImageDraw.Draw(crop).text((20, 20), "슬림핏 캡슐", font=ImageFont.truetype(BOLD_FONT, px), fill=0)
        read = ocr.read_lines([crop], "kor+eng")
        if "캡" in read[0].text:  # (at some sizes `kor+eng` gives the whole word to `eng`: "we")
            reads.append(read)
    assert reads and not any("슐" in r[0].text for r in reads)  # 캡술, 캡숄, 캡슬: never 캡슐
    for read in reads:
        found = [m for m in match_all(NameIndex(snap), read, []) if m.strength == "strong"]
        assert [m.locator for m in found] == ["SELF_IMPORT_SEQ 2024000101"]
        assert not [m for m in match_all(NameIndex(snap, readable=frozenset()), read, []) if m.strength == "strong"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_korean_name_word_lost_to_eng_is_read_again_with_kor_alone():
    """`kor+eng` hands a word `kor` reads poorly to `eng` ("슬림핏 캡슐" → "슬림핏 we"); the name reader then reads the
    crop with `kor` alone, which writes the Hangul (캡슬), and the listed name is found from that read."""
    from assistant.label.charset import installed_charset
    from assistant.label.match import NameIndex, match_all
    from assistant.label.name_lines import read_name_lines
    from assistant.label.ocr import TesseractOCR

    if "슐" in installed_charset():
        pytest.skip("this Korean model can write 슐")
    listed = [{"seq": "2024000101", "product": "슬림핏 캡슐", "manufacturer": "", "ingredients": "", "barcode": "",
               "registered": "20240105", "source": "I2715.json"}]
    index, ocr, lost = NameIndex(ListSnapshot.from_rows(listed, [])), TesseractOCR(["kor", "eng"]), 0
    for font in (BOLD_FONT, "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf"):
        for px in (36, 44, 52):
            img = Image.new("RGB", (800, 200), "white")
            ImageDraw.Draw(img).text((40, 60), "슬림핏 캡슐", font=ImageFont.truetype(font, px), fill="black")
            read = read_name_lines(ocr, img, lambda passes: False)
            first = next(p for p in read.passes if p.langs == "kor+eng")
            if "캡" in first.text:
                continue
            lost += 1
            again = [p for p in read.passes if p.langs == "kor"]
            assert again and "캡" in again[0].text
            assert [m.locator for m in match_all(index, read.passes, []) if m.strength == "strong"] == \
                ["SELF_IMPORT_SEQ 2024000101"]
    assert lost  # the case happens with these fonts and sizes
