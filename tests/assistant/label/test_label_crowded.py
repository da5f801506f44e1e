"""The crowded path (others wait for OCR): cheaper follow-ups with the same evidence to match on.

The engine's Tesseract runs are replaced by scripted reads per model (no Tesseract needed), so these tests pin down
which models are asked to read what, not what Tesseract makes of an image.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from assistant.label.checker import LabelChecker
from assistant.label.legal import LegalBasis
from assistant.label.lines import LineBox
from assistant.label.name_lines import read_name_lines
from assistant.label.ocr import OcrPass, OcrWord
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import CROWDED, TesseractEngine, settles_script

LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
JAPANESE = [OcrWord("原材料名", 88, 0, 10, 10, 200, 30), OcrWord("ゼラチン", 90, 0, 220, 10, 160, 30),
            OcrWord("はちみつ", 85, 1, 10, 60, 160, 30)]
CHINESE = [OcrWord("配料", 87, 0, 10, 10, 80, 30), OcrWord("明胶", 88, 0, 100, 10, 80, 30),
           OcrWord("蜂蜜", 86, 1, 10, 60, 80, 30)]
CHINESE_AS_JPN = [OcrWord("配料", 78, 0, 10, 10, 80, 30), OcrWord("明股", 70, 0, 100, 10, 80, 30)]
JAPANESE_AS_CHI = [OcrWord("原材料名", 60, 0, 10, 10, 200, 30), OcrWord("尼妈六", 50, 0, 220, 10, 160, 30)]
LATIN_JUNK = [OcrWord("Net", 40, 0, 10, 10, 60, 30), OcrWord("60caps", 35, 0, 80, 10, 90, 30)]


class Scripted(TesseractEngine):
    """The pass logic with each model's read scripted: `reads[langs]` (the page pass of `first_model`, the rows of
    the others); records every run as (langs, psm, invert)."""

    def __init__(self, reads: dict[str, list[OcrWord]]) -> None:
        super().__init__(["kor", "eng", "chi_sim", "jpn", "tha"], slots=2)
        self.reads = reads
        self.runs: list[tuple[str, int | None, bool]] = []

    def _recognize(self, img, langs, handle=None, psm=None, invert=True):  # noqa: ANN001
        self.runs.append((langs, psm, invert))
        if psm is not None:  # a name line
            return OcrPass(langs, [])
        return OcrPass(langs, [OcrWord(w.text, w.conf, w.line, w.left, w.top, w.width, w.height)
                               for w in self.reads.get(langs, [])])

    def models_run(self) -> list[str]:
        return [langs for langs, psm, _ in self.runs if psm is None and langs != self.first]


def junk_first() -> OcrPass:
    """A kor+eng page pass that reads two rows as junk (what Han and kana look like to it)."""
    return OcrPass("kor+eng", [OcrWord("BCS:HE", 30, 0, 10, 10, 200, 30), OcrWord("7F1", 25, 1, 10, 60, 160, 30)])


def test_settles_script_needs_a_confident_read_in_the_models_own_script():
    assert settles_script(OcrPass("jpn", JAPANESE))
    assert settles_script(OcrPass("chi_sim", CHINESE))
    assert not settles_script(OcrPass("jpn", CHINESE_AS_JPN))  # Han only: could be Chinese
    assert not settles_script(OcrPass("chi_sim", JAPANESE_AS_CHI))  # kana turned into Han junk, low confidence
    assert not settles_script(OcrPass("chi_sim", [w for w in JAPANESE]))  # kana in a chi_sim read: not Chinese
    assert settles_script(OcrPass("chi_sim", LATIN_JUNK))  # no Han or kana at all: no CJK on these rows


def test_crowded_japanese_label_reads_jpn_first_and_skips_chi_sim():
    img = Image.new("L", (600, 120), 255)
    ocr = Scripted({"jpn": JAPANESE, "chi_sim": JAPANESE_AS_CHI})
    result = ocr.followups(img, junk_first(), frozenset({CROWDED, "jpn"}))
    assert ocr.models_run() == ["jpn"]
    assert result.info["cjk_skipped"] == ["chi_sim"]
    assert [p.langs for p in result.passes] == ["kor+eng", "jpn"]


def test_crowded_chinese_rows_skip_jpn():
    img = Image.new("L", (600, 120), 255)
    ocr = Scripted({"chi_sim": CHINESE, "jpn": CHINESE_AS_JPN})
    ocr.followups(img, junk_first(), frozenset({CROWDED}))
    assert ocr.models_run() == ["chi_sim"]


def test_crowded_rows_chi_sim_cannot_settle_are_read_by_jpn_too():
    # a Japanese label whose name lines showed no kana: chi_sim goes first, reads junk Han, and jpn still reads
    img = Image.new("L", (600, 120), 255)
    ocr = Scripted({"chi_sim": JAPANESE_AS_CHI, "jpn": JAPANESE})
    result = ocr.followups(img, junk_first(), frozenset({CROWDED}))
    assert ocr.models_run() == ["chi_sim", "jpn"]
    assert "ゼラチン" in result.text


def test_idle_reads_every_cjk_model():
    img = Image.new("L", (600, 120), 255)
    ocr = Scripted({"chi_sim": CHINESE, "jpn": CHINESE_AS_JPN})
    ocr.followups(img, junk_first(), frozenset({"jpn"}))
    assert sorted(ocr.models_run()) == ["chi_sim", "jpn"]


class LineReader:
    """read_lines scripted per model; `models` as the real engine reports them."""

    models = {"first": "kor+eng", "cjk": ["chi_sim", "jpn"], "thai": None, "vie": None}

    def __init__(self, reads: dict[str, list[OcrWord]]) -> None:
        self.reads = reads

    def read_lines(self, crops, langs, raw=False):  # noqa: ANN001
        return [OcrPass(langs, list(self.reads.get(langs, [])), region="line") for _ in crops]


def test_name_line_read_with_kana_marks_the_label_japanese():
    img = Image.new("L", (600, 200), 255)
    box = LineBox(20, 20, 500, 80, 60.0, "dark", 8)
    kana_name = [OcrWord("スリムティー", 88, 0, 0, 0, 300, 50)]
    read = read_name_lines(LineReader({"kor+eng": [OcrWord("AL", 20, 0)], "jpn": kana_name}), img,
                           lambda passes: False, lines=[box])
    assert "jpn" in read.scripts
    han_name = [OcrWord("安神睡眠片", 88, 0, 0, 0, 300, 50)]
    read = read_name_lines(LineReader({"kor+eng": [OcrWord("AL", 20, 0)], "chi_sim": han_name}), img,
                           lambda passes: False, lines=[box])
    assert "jpn" not in read.scripts


def dark_label() -> bytes:
    img = Image.new("L", (900, 500), 255)
    d = ImageDraw.Draw(img)
    for i, text in enumerate(("Herbal Slim Tea 60 capsules", "Ingredients green tea extract", "Net weight 120 g")):
        d.text((60, 60 + 120 * i), text, font=ImageFont.truetype(LATIN_FONT, 44), fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def page_runs(crowded: bool) -> list[tuple[str, bool]]:
    ocr = Scripted({"kor+eng": [OcrWord("Herbal", 95, 0, 60, 60, 150, 44), OcrWord("Slim", 95, 0, 220, 60, 90, 44)]})
    checker = LabelChecker(ListSnapshot.from_rows([], []), ocr, LegalBasis(None), crowded=crowded)
    res = checker.check([dark_label()])
    assert res.verdict in ("no_match", "review")
    return [(langs, inv) for langs, psm, inv in ocr.runs if psm is None]


def test_crowded_dark_label_first_pass_skips_inverted_retries():
    # the line detector finds dark text only: when others wait, the first page pass does not retry poorly read
    # lines inverted; an idle machine keeps Tesseract's default
    assert page_runs(crowded=True)[0] == ("kor+eng", False)
    assert page_runs(crowded=False)[0] == ("kor+eng", True)
