"""match.py + verdict.py on list rows built in the test (no OCR)."""

from __future__ import annotations

import pytest

from assistant.label.barcode import Barcode
from assistant.label.match import NameIndex, match_all, read_edits
from assistant.label.ocr import OcrPass, OcrWord
from assistant.label.snapshot import ListSnapshot
from assistant.label.verdict import decide

PRODUCTS = [
    {"seq": "2023000001", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co., Ltd.", "country": "중국",
     "ingredients": "시부트라민 | 페놀프탈레인", "barcode": "6901234000016", "registered": "20230105", "source": "I2715.json"},
    {"seq": "2023000002", "product": "强力男宝胶囊", "manufacturer": "北京康力保健品有限公司", "country": "중국",
     "ingredients": "실데나필", "barcode": "", "registered": "20230301", "source": "I2715.json"},
    {"seq": "2023000003", "product": "Black Mamba Energy", "manufacturer": "Black Mamba Labs", "country": "미국",
     "ingredients": "1,3-디메틸아밀아민", "barcode": "", "registered": "20230201", "source": "I2715.json"},
]
INGREDIENTS = [
    {"name_ko": "시부트라민", "name_en": "Sibutramine", "other_names": "西布曲明 | シブトラミン", "status": "Y",
     "designated": "20190115", "source": "blocked.json"},
    {"name_ko": "1,3-디메틸아밀아민", "name_en": "1,3-Dimethylamylamine", "other_names": "DMAA", "status": "Y", "source": "blocked.json"},
    {"name_ko": "2,4-디니트로페놀", "name_en": "2,4-Dinitrophenol", "other_names": "DNP", "status": "Y", "source": "blocked.json"},
    {"name_ko": "시네프린", "name_en": "Synephrine", "other_names": "辛弗林", "status": "N", "released": "20220301", "source": "blocked.json"},
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS))


def words(*lines: str, conf: float = 92.0) -> list[OcrPass]:
    return [OcrPass("kor+eng", [OcrWord(t, conf, i) for i, line in enumerate(lines) for t in line.split()])]


def verdict(index, passes, barcodes=()):
    matches = match_all(index, passes, list(barcodes))
    n = sum(1 for p in passes for w in p.words if w.conf >= 60 and len(w.text) > 1)
    return decide(matches, n, len(barcodes), index.snapshot.as_of), matches


@pytest.mark.parametrize("printed", ["시부트라민염산염", "Sibutramine HCl", "sibutramine hydrochloride", "西布曲明", "盐酸西布曲明",
                                     "シブトラミン", "シブトラミン塩酸塩"])
def test_blocked_ingredient_in_any_language_or_salt_form(index, printed):
    d, matches = verdict(index, words("Slim Queen", f"Ingredients: green tea, {printed}, vitamin C"))
    assert d.verdict == "hazard"
    assert matches[0].kind == "ingredient" and matches[0].canonical == "시부트라민"
    assert matches[0].locator == "RAW_IRDNT 시부트라민" and matches[0].source == "blocked.json"


@pytest.mark.parametrize("printed, canonical", [("1,3-디메틸아밀아민", "1,3-디메틸아밀아민"), ("1,3-Dimethylamylamine", "1,3-디메틸아밀아민"),
                                                ("2,4-dinitrophenol", "2,4-디니트로페놀"), ("2,4-디니트로페놀", "2,4-디니트로페놀")])
def test_comma_containing_chemical_names(index, printed, canonical):
    d, matches = verdict(index, words("Power Stack", f"Ingredients: caffeine, {printed}, rice flour"))
    assert d.verdict == "hazard" and {m.canonical for m in matches} == {canonical}


def test_ocr_error_tolerated_in_long_names(index):
    d, matches = verdict(index, words("Ingredients: sibutrarnine, rice"))
    assert d.verdict == "hazard" and matches[0].canonical == "시부트라민" and matches[0].score < 100


def test_short_accidental_substrings_do_not_match(index):
    # "dnp"/"dmaa" inside longer words, and a 2-syllable fragment, are not ingredient reads
    d, matches = verdict(index, words("Ingredients: adnpx powder, dmaalite fiber, 시부 차"))
    assert matches == [] and d.verdict == "no_match"


def test_released_entries_never_block(index):
    d, matches = verdict(index, words("Thermo Citrus", "Ingredients: Synephrine HCl, 辛弗林, 시네프린, vitamin C"))
    assert matches == [] and d.verdict == "no_match"


def test_barcode_is_the_strongest_evidence(index):
    d, matches = verdict(index, [], [Barcode("6901234000016", "EAN13", True)])
    assert d.verdict == "hazard" and matches[0].via == "barcode"
    assert matches[0].locator == "SELF_IMPORT_SEQ 2023000001"
    assert matches[0].entry["manufacturer"] == "Golden Bee Co., Ltd." and matches[0].entry["registered"] == "20230105"


def test_listed_product_by_name_without_the_ingredient_on_the_label(index):
    d, matches = verdict(index, words("Golden Bee Slim Tea", "Ingredients: green tea, honey", "Manufacturer: Golden Bee Co., Ltd."))
    assert d.verdict == "hazard"
    assert matches[0].kind == "product" and matches[0].strength == "strong"
    assert matches[0].entry["ingredients"] == "시부트라민 | 페놀프탈레인"


def test_chinese_name_with_one_ocr_error(index):
    d, matches = verdict(index, words("强力男宝胶守", "配料: 明胶", "制造商: 北京康力保健品有限公司"))
    assert d.verdict == "hazard" and matches[0].locator == "SELF_IMPORT_SEQ 2023000002"


def test_short_name_one_character_off_needs_the_maker(index):
    # "强力男室胶囊" is one character off the listed "强力男宝胶囊" (similarity 83): an OCR slip, or a near-miss
    # product named one character apart. Alone on its line it is only a weak match (review); with the listed
    # maker read as well it is a hit.
    d, matches = verdict(index, words("强力男室胶囊", "配料: 明胶"))
    assert d.verdict == "review" and matches[0].strength == "weak"
    d, matches = verdict(index, words("强力男室胶囊", "配料: 明胶", "制造商: 北京康力保健品有限公司"))
    assert d.verdict == "hazard" and matches[0].strength == "strong"
    d, _ = verdict(index, words("强力男宝胶囊", "配料: 明胶"))
    assert d.verdict == "hazard"  # read exactly, the name stands on its own


def test_a_short_name_one_character_off_at_its_edge_needs_the_maker_too(index):
    # the last character read as another ("强力男宝胶宫"): the partial ratio compares a 5-character window at the
    # pass's edge and scores 90.9, but it is one character of six off, like "强力男室胶囊" above
    d, matches = verdict(index, words("强力男宝胶宫"))
    assert d.verdict == "review" and matches[0].strength == "weak"
    d, _ = verdict(index, words("强力男宝胶宫", "制造商: 北京康力保健品有限公司"))
    assert d.verdict == "hazard"
    d, _ = verdict(index, words("60粒 强力男宝胶"))  # the last character cut off at the pass's edge: the rest is exact
    assert d.verdict == "hazard"
    d, _ = verdict(index, words("60粒", "力男宝胶囊", "配料: 明胶"))  # the first cut off at the line's edge
    assert d.verdict == "hazard"


@pytest.mark.parametrize("name", ["Golden Bee Honey", "Golden Bee Royal Jelly", "Slim Tea Detox"])
def test_near_miss_names_are_not_hazard(index, name):
    d, _ = verdict(index, words(name, "Ingredients: honey, royal jelly", "Manufacturer: Nature Way Co."))
    assert d.verdict != "hazard"


def test_golden_bee_honey_is_no_match(index):
    d, matches = verdict(index, words("Golden Bee Honey", "Ingredients: acacia honey"))
    assert d.verdict == "no_match" and matches == []


def test_low_confidence_ingredient_read_is_review(index):
    d, matches = verdict(index, words("Ingredients: sibutrarnine", conf=35))
    assert d.verdict == "review" and matches[0].strength == "weak"


def test_unreadable_photo_asks_for_a_new_one(index):
    d, _ = verdict(index, words("~", conf=20))
    assert d.verdict == "review" and "다시 촬영해 주세요" in d.message


def test_no_match_wording_never_says_safe(index):
    d, _ = verdict(index, words("Vitamin C 1000", "Ingredients: ascorbic acid, rice flour"))
    assert d.verdict == "no_match"
    assert d.message == "목록에 없음 (기준일 2023-03-01)"
    assert "안전" not in d.message and "safe" not in d.message.lower()
    assert any("6병" in n for n in d.notes)


def test_exact_long_name_read_with_low_word_confidence_still_blocks(index):
    # Tesseract scores "2,4-Dinitrophenol," low (digits + letters), though it is read exactly
    d, matches = verdict(index, words("Ingredients: gelatin, 2,4-Dinitrophenol, inulin", conf=35))
    assert d.verdict == "hazard" and matches[0].canonical == "2,4-디니트로페놀"


@pytest.mark.parametrize("lines", [
    ("Black Maca Energy 500 mg", "Ingredients: maca root, caffeine"),  # the name at the start of the pass
    ("Herbal Origin", "Black Maca Energy", "Advanced formula", "Ingredients: maca root, rice flour"),
    ("Natural herbs Black Maca Energy",),  # the name at the end of the pass
])
def test_a_near_miss_a_word_piece_apart_read_exactly_is_not_a_hazard(index, lines):
    # "Black Maca Energy" is a different product from the listed "Black Mamba Energy" ("mb" -> "c"): read exactly
    # beside other words, the Indel partial ratio scores it 90.3 (as much as an OCR slip); by edits it is 2 letters
    # off a 16-letter name, so it goes to review, never to hazard
    d, matches = verdict(index, words(*lines))
    assert d.verdict == "review" and matches[0].canonical == "Black Mamba Energy" and matches[0].strength == "weak"
    assert "글자 차이 2" in matches[0].evidence


@pytest.mark.parametrize("read", ["Blackrnamba Energy", "Black Mamba Energv", "BIack Mamba Energy", "B1ack Mamba Energy",
                                  "lack Mamba Energy", "Black Mamba Energ", "Black Mamba Enerqy", "Black Mamha Energy"])
def test_typical_ocr_slips_in_a_listed_name_still_match(index, read):
    # look-alikes ("rn"/"m", "v"/"y", "I"/"1"/"l") cost nothing; a lost edge letter or one other letter misread costs
    # one edit of 16: strong on the name alone
    d, matches = verdict(index, words("Premium Health", read, "Ingredients: caffeine, taurine", "60 capsules"))
    assert d.verdict == "hazard" and matches[0].canonical == "Black Mamba Energy" and matches[0].strength == "strong"


def test_a_word_piece_changed_with_the_listed_maker_read_is_still_that_product(index):
    # the maker vouches for a read that alone would only be similar
    d, matches = verdict(index, words("Black Maca Energy", "Ingredients: caffeine", "Manufacturer: Black Mamba Labs"))
    assert d.verdict == "hazard" and matches[0].canonical == "Black Mamba Energy" and "제조사" in matches[0].evidence


@pytest.mark.parametrize("text, edits", [
    ("herbaloriginblackmacaenergy60capsules", 2),  # a changed word-piece: "mb" -> "c"
    ("blackmacaenergy500mg", 2),
    ("blackrnambaenergv60capsules", 0),  # look-alikes folded on both sides
    ("b1ackmambaenergy", 0),
    ("premiumhealthlackmambaenergy", 1),  # a lost letter
    ("blackmamhaenergy", 1),  # one letter misread
])
def test_read_edits_counts_edits_over_the_nearest_window_with_look_alikes_folded(text, edits):
    assert read_edits("blackmambaenergy", text) == edits


# --- characters no OCR model can output (charset.py) ---------------------------------------------------------------

WILD_INGREDIENTS = [
    {"name_ko": "페놀프탈레인", "name_en": "Phenolphthalein", "other_names": "酚酞", "status": "Y", "source": "blocked.json"},
    {"name_ko": "디아제팜", "name_en": "Diazepam", "other_names": "地西泮", "status": "Y", "source": "blocked.json"},
]
# what the models can write here: everything the test reads except 酞, 泮 and 팜 (as in Debian's chi_sim/jpn/kor)
READABLE = frozenset("配料明胶葡萄糖维生素茶多酚含量地西洋本栈产班牙디아제판팝원재료명") | frozenset("abcdefghijklmnopqrstuvwxyz")


@pytest.fixture(scope="module")
def wild_index() -> NameIndex:
    return NameIndex(ListSnapshot.from_rows([], WILD_INGREDIENTS), readable=READABLE)


def han(*lines: str, conf: float = 90.0) -> list[OcrPass]:
    """Han lines as chi_sim splits them: a space between most characters of a word."""
    return [OcrPass("chi_sim", [OcrWord(t, conf, i) for i, line in enumerate(lines) for t in line.split()])]


@pytest.mark.parametrize("line, canonical", [("配料 : 酚 本 , 明胶 , 葡萄 糖", "페놀프탈레인"),
                                             ("配料 : 明胶 , 地 西 洋 , 葡萄 糖", "디아제팜"),
                                             ("配料 : 葡萄 糖 、 地西 洋", "디아제팜"),
                                             ("원재료명: 디아제판, 포도당", "디아제팜")])
def test_a_name_with_a_character_no_model_can_write_matches_as_a_list_item(wild_index, line, canonical):
    d, matches = verdict(wild_index, han(line))
    assert d.verdict == "hazard" and [m.canonical for m in matches] == [canonical]
    assert "OCR 모델에 없는 글자 1자" in matches[0].evidence


@pytest.mark.parametrize("line", ["茶 多 酚 含 量 : 50 %",  # 酚 inside a longer word: no list item of two
                                  "产 地 : 西 班 牙",  # 地西 across two items
                                  "配料 : 酚 本 葡 , 明胶",  # one character too many for the item
                                  "配料 : 地 西 , 明胶"])  # the unreadable character missing altogether
def test_the_unknown_character_needs_the_rest_read_exactly_as_one_item(wild_index, line):
    d, matches = verdict(wild_index, han(line))
    assert matches == [] and d.verdict != "hazard"


def test_without_a_charset_nothing_is_treated_as_unreadable():
    index = NameIndex(ListSnapshot.from_rows([], WILD_INGREDIENTS), readable=frozenset())
    assert not any(t.wild for t in index.terms)
    assert match_all(index, han("配料 : 酚 本 , 明胶"), []) == []


CAPSULE = [{"seq": "2024000101", "product": "슬림핏 캡슐", "manufacturer": "", "country": "중국", "ingredients": "",
            "barcode": "", "registered": "20240105", "source": "I2715.json"}]


def test_a_product_name_with_a_syllable_no_model_can_write_is_strong_alone():
    # Debian's kor model has no 슐: "캡슐" is always read 캡술, so a read one syllable off there is the name itself
    index = NameIndex(ListSnapshot.from_rows(CAPSULE, []), readable=READABLE | frozenset("슬림핏캡술컷"))
    d, matches = verdict(index, words("슬림핏 캡술", "원재료명: 녹차추출물, 비타민C"))
    assert d.verdict == "hazard" and matches[0].locator == "SELF_IMPORT_SEQ 2024000101" and matches[0].strength == "strong"
    # a syllable OCR can write that differs is still a different name
    _, near = verdict(index, words("슬림컷 캡술", "원재료명: 녹차추출물, 비타민C"))
    assert all(m.strength != "strong" for m in near)
    # without the charset the same read is a near miss, not a hazard
    plain = NameIndex(ListSnapshot.from_rows(CAPSULE, []), readable=frozenset())
    d, _ = verdict(plain, words("슬림핏 캡술", "원재료명: 녹차추출물, 비타민C"))
    assert d.verdict != "hazard"


def test_kanji_and_katakana_drawn_alike_are_written_by_their_neighbours():
    """力/カ, 口/ロ, ト/卜 …: the glyph next to katakana is the katakana letter, next to kanji the kanji, on both the
    list's side and the read's, also when OCR returns one glyph per word."""
    from assistant.label.match import Stream
    from assistant.label.normalize import compact

    assert compact("男のカプレミアム") == compact("男の力プレミアム")
    assert compact("精カ剤") == compact("精力剤") and compact("ロ服液") == compact("口服液")
    assert compact("巧克力") == "巧克力" and compact("力") == "力"  # no neighbour to tell: as written
    assert compact("快眠サポート天然ハーブ") == "快眠サポート天然ハーブ"  # ー counts as katakana: ト and ハ stay
    glyphs = [OcrWord(ch, 90.0, 0, 20 * i, 0, 18, 20) for i, ch in enumerate("男の力プレミアム")]
    assert Stream.build(glyphs).text == compact("男のカプレミアム")
    rows = [{"seq": "2023000029", "product": "男の力プレミアム", "manufacturer": "株式会社活力堂", "country": "일본",
             "ingredients": "타다라필", "barcode": "", "registered": "20230301", "source": "I2715.json"}]
    idx = NameIndex(ListSnapshot.from_rows(rows, []))
    read = [OcrPass("jpn", [OcrWord(ch, 90.0, 0, 20 * i, 0, 18, 20) for i, ch in enumerate("男のカプレミアム")])]
    assert [(m.kind, m.strength) for m in match_all(idx, read, [])][:1] == [("product", "strong")]
