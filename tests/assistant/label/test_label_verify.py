"""verify.py: a listed Han name read one glyph off is read again enlarged, and only an exact read counts."""

from __future__ import annotations

from PIL import Image, ImageDraw

from assistant.label.match import NameIndex, Stream, match_all
from assistant.label.ocr import OcrPass, OcrWord
from assistant.label.snapshot import ListSnapshot
from assistant.label.verify import near_misses, reread_near_misses

INGREDIENTS = [
    {"name_ko": "요힘빈", "name_en": "Yohimbine", "other_names": "育亨宾 | ヨヒンビン", "status": "Y", "source": "blocked.json"},
    {"name_ko": "글리벤클라미드", "name_en": "Glibenclamide", "other_names": "格列苯脲", "status": "Y", "source": "blocked.json"},
]


def index() -> NameIndex:
    return NameIndex(ListSnapshot.from_rows([], INGREDIENTS))


def row_pass(*texts: str, conf: float = 60.0) -> OcrPass:
    """One chi_sim row read: each text a word, side by side at 40 px a glyph on a 40 px line."""
    words, x = [], 20
    for t in texts:
        words.append(OcrWord(t, conf, 0, x, 30, 40 * len(t), 40))
        x += 40 * len(t) + 20
    return OcrPass("chi_sim", words, region="rows")


class ScriptedLines:
    """read_lines returns the scripted text for each crop and records the crops' sizes."""

    def __init__(self, *reads: str):
        self.reads, self.asked = list(reads), []

    def read_lines(self, crops, langs, raw=False):
        self.asked.append((crops[0].size, langs))
        text = self.reads.pop(0) if self.reads else ""
        return [OcrPass(langs, [OcrWord(text, 80.0, 0, 10, 10, 30 * len(text), 30)] if text else [])]


def test_a_listed_han_name_one_glyph_off_is_a_near_miss_and_other_swaps_are_not():
    idx = index()
    found = near_misses(idx, Stream.build(row_pass("配料", "育六宾", "明胶").words), "chi_sim")
    assert [m.key for m in found] == ["育亨宾"]
    # the name read as listed, a Latin letter or a digit in the swapped place, or two glyphs off: no re-read
    for texts in (("配料", "育亨宾"), ("配料", "育A宾"), ("配料", "育1宾"), ("配料", "六亨"), ("格列美苯",)):
        assert not [m for m in near_misses(idx, Stream.build(row_pass(*texts).words), "chi_sim") if m.key == "育亨宾"], texts


def test_only_an_exact_read_of_the_enlarged_crop_is_evidence():
    idx = index()
    img = Image.new("L", (400, 100), 255)
    ImageDraw.Draw(img).rectangle((100, 30, 200, 70), fill=0)
    passes = [row_pass("配料", "育六宾", "明胶")]
    # the crop reads the look-alike again at every size: nothing added, and the verdict stays without the name
    ocr = ScriptedLines("育六宾", "育六宾", "育六宾", "育六宾")
    assert reread_near_misses(ocr, idx, [(img, passes)]) == []
    assert [langs for _, langs in ocr.asked] == ["chi_sim"] * 4
    widths = [size[0] for size, _ in ocr.asked]
    assert widths[0] > widths[1] > widths[2] and widths[3] > widths[0]  # 2x, 1.5x, 1x, then 2.5x
    # the look-alike at 2x and 1.5x, the listed name at 1x: found at 1x, and the larger size is not read
    ocr = ScriptedLines("育六宾", "育葵宾", "育亨宾")
    info0: dict = {}
    assert len(reread_near_misses(ocr, idx, [(img, passes)], info0)) == 1 and info0["reread"] == ["育亨宾 ×1"]
    assert len(ocr.asked) == 3
    # the crop reads the listed name: one "verify" pass, in the image's pixels, and a strong ingredient match
    ocr = ScriptedLines("育亨宾")
    info: dict = {}
    got = reread_near_misses(ocr, idx, [(img, passes)], info)
    assert len(got) == 1 and got[0].region == "verify" and info["reread"] == ["育亨宾 ×2"]
    w = got[0].words[0]
    assert 0 <= w.left < 400 and 0 <= w.top < 100
    strong = [m for m in match_all(idx, passes + got, []) if m.strength == "strong"]
    assert [m.canonical for m in strong] == ["요힘빈"]
    assert not [m for m in match_all(idx, passes, []) if m.strength == "strong"]


def test_a_different_real_drug_read_exactly_stays_that_drug():
    """格列美脲 (glimepiride) is one glyph from the listed 格列苯脲: a near miss, but its enlarged crop reads 格列美脲."""
    idx = index()
    img = Image.new("L", (400, 100), 255)
    passes = [row_pass("配料", "格列美脲")]
    assert [m.key for m in near_misses(idx, Stream.build(passes[0].words), "chi_sim")] == ["格列苯脲"]
    ocr = ScriptedLines("格列美脲", "格列美脲")
    assert reread_near_misses(ocr, idx, [(img, passes)]) == []


def test_name_line_and_small_print_passes_are_not_cropped():
    """Their word boxes are not in the prepared image's pixels (a line crop, an enlarged block)."""
    idx = index()
    img = Image.new("L", (400, 100), 255)
    for region in ("line", "small", "lines"):
        p = row_pass("配料", "育六宾")
        p.region = region
        ocr = ScriptedLines("育亨宾")
        assert reread_near_misses(ocr, idx, [(img, [p])]) == [] and ocr.asked == []


class TwoModels:
    """Scripted reads per model, for an engine that has chi_tra configured beside chi_sim."""

    configured = frozenset({"kor", "eng", "chi_sim", "chi_tra", "jpn"})

    def __init__(self, **reads: list[str]):
        self.reads, self.asked = {k: list(v) for k, v in reads.items()}, []

    def read_lines(self, crops, langs, raw=False):
        self.asked.append(langs)
        queue = self.reads.get(langs) or []
        text = queue.pop(0) if queue else ""
        return [OcrPass(langs, [OcrWord(text, 70.0, 0, 10, 10, 30 * len(text), 30)] if text else [])]


def test_two_models_one_glyph_off_at_different_glyphs_read_the_name_between_them():
    """chi_sim reads 格列茶脲 at every size, chi_tra 格列苯脾: each glyph of 格列苯脲 was read as listed by one of them."""
    idx = index()
    img = Image.new("L", (400, 100), 255)
    passes = [row_pass("配料", "格列茶脲")]
    ocr = TwoModels(chi_sim=["格列茶脲", "格列葵脲", "格列茶脲", "格列茶脲"], chi_tra=["格列萊脾", "格列苯脾"])
    info: dict = {}
    got = reread_near_misses(ocr, idx, [(img, passes)], info)
    assert ocr.asked == ["chi_sim"] * 4 + ["chi_tra"] * 2  # the other model only after every size of the first
    assert len(got) == 1 and got[0].region == "verify" and info["reread"] == ["格列苯脲 ×1.5 chi_tra"]
    assert [m.canonical for m in match_all(idx, passes + got, []) if m.strength == "strong"] == ["글리벤클라미드"]
    # the other model's look-alike at the same glyph (苯 again), or a different drug read the same by both: nothing
    for sim, tra in ((["格列茶脲"] * 4, ["格列葵脲"] * 4), (["格列美脲"] * 4, ["格列美脲"] * 4)):
        p = [row_pass("配料", sim[0])]
        assert reread_near_misses(TwoModels(chi_sim=sim, chi_tra=tra), idx, [(img, p)]) == [], (sim, tra)


def test_without_the_other_model_only_the_same_model_reads_again():
    idx = index()
    img = Image.new("L", (400, 100), 255)
    ocr = TwoModels(chi_sim=["格列茶脲"] * 4, chi_tra=["格列苯脾"])
    ocr.configured = frozenset({"kor", "eng", "chi_sim"})
    assert reread_near_misses(ocr, idx, [(img, [row_pass("配料", "格列茶脲")])]) == []
    assert ocr.asked == ["chi_sim"] * 4
