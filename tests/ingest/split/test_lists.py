"""Lists splitter: split_ingredients (chemical-name commas, every separator) and list records."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import Table
from ingest.split.lists import hazard_records, ingredient_records, split_ingredients
from ingest.split.notes import SplitNotes


@pytest.mark.parametrize("text,expected", [
    ("1,3-디메틸아밀아민, 2,4-디니트로페놀", ["1,3-디메틸아밀아민", "2,4-디니트로페놀"]),
    ("N,N-didesmethylsibutramine, N-desmethylsibutramine", ["N,N-didesmethylsibutramine", "N-desmethylsibutramine"]),
    ("1,3-dimethylamylamine,1,3-dimethylbutylamine", ["1,3-dimethylamylamine", "1,3-dimethylbutylamine"]),
    ("시부트라민;페놀프탈레인", ["시부트라민", "페놀프탈레인"]),
    ("센노사이드/센나잎", ["센노사이드", "센나잎"]),
    ("실데나필·타다라필", ["실데나필", "타다라필"]),
    ("西布曲明、酚酞", ["西布曲明", "酚酞"]),
    ("西布曲明，酚酞", ["西布曲明", "酚酞"]),
    ("요힘빈\n다폭세틴", ["요힘빈", "다폭세틴"]),
    ("멜라토닌 및 5-HTP", ["멜라토닌", "5-HTP"]),
    ("[시부트라민], (페놀프탈레인)", ["시부트라민", "페놀프탈레인"]),
    ("  시부트라민 ,  ", ["시부트라민"]),
    ("시부트라민(Sibutramine, 西布曲明), 비사코딜", ["시부트라민(Sibutramine, 西布曲明)", "비사코딜"]),
    ("Sibutramine HCl, sibutramine hcl", ["Sibutramine HCl"]),
    ("", []),
    (None, []),
    ("[1\n,]", ["1"]),  # a line break left at an item's edge once the brackets and comma are trimmed (found by hypothesis)
])
def test_split_ingredients(text, expected):
    assert split_ingredients(text) == expected


@settings(max_examples=300, deadline=1000)
@given(st.text(alphabet=st.sampled_from(list("ab1,3-N;/·、，\n 및()[]시부트라민")), max_size=80))
def test_split_ingredients_never_crashes_and_yields_clean_items(text):
    for item in split_ingredients(text):
        assert item and item == item.strip()


@settings(max_examples=300, deadline=1000)
@given(st.text(alphabet=st.sampled_from(list("ab1,3-N;/·、，\n 및시부트라민")), max_size=80))
def test_split_ingredients_leaves_no_separator_outside_brackets(text):
    for item in split_ingredients(text):
        assert not set(item) & set(";/·、，\n") and " 및 " not in item


I2715 = ["SELF_IMPORT_SEQ", "PRDT_NM", "MUFC_NM", "MUFC_CNTRY_NM", "INGR_NM_LST", "BARCD_CTN", "CRET_DTM"]


def test_hazard_records_i2715_shape():
    rows = [dict(zip(I2715, ["2023000123", "Slim Fast X", "ACME Labs", "미국", "시부트라민, 1,3-디메틸아밀아민",
                             "8801234567890", "20230105"], strict=True)),
            dict(zip(I2715, ["2023000124", "", "x", "중국", "페놀프탈레인", "", ""], strict=True))]
    notes = SplitNotes()
    recs = hazard_records(Table(Path("i2715.json"), I2715, rows, {}), "i2715.json", notes)
    (r,) = recs
    assert r.kind == "hazard-list" and r.locator == "SELF_IMPORT_SEQ 2023000123" and r.title == "Slim Fast X"
    assert r.metadata["ingredients"] == "시부트라민 | 1,3-디메틸아밀아민"
    assert r.metadata["seq"] == "2023000123" and r.metadata["country"] == "미국"
    assert r.metadata["barcode"] == "8801234567890" and r.metadata["registered"] == "20230105"
    assert "시부트라민" in r.text and "ACME Labs" in r.text
    assert notes.skipped_rows == 1


def test_hazard_records_korean_headers_without_seq():
    headers = ["제품명", "업체명", "제조국", "위해성분", "바코드", "등록일"]
    rows = [dict(zip(headers, ["다이어트 차", "무명", "태국", "센나잎/비사코딜", "", "2024-01-02"], strict=True))]
    (r,) = hazard_records(Table(Path("h.csv"), headers, rows, {}), "h.csv")
    assert r.locator == "행 1" and r.metadata["manufacturer"] == "무명"
    assert r.metadata["ingredients"] == "센나잎 | 비사코딜" and "barcode" not in r.metadata


def test_ingredient_records():
    headers = ["RAW_IRDNT_NM", "RAW_IRDNT_ENG_NM", "RAW_IRDNT_ETC_NM", "APPN_RELS_DVS", "APPN_DT", "RELS_DT",
               "APPN_RSN", "RELS_RSN"]
    rows = [dict(zip(headers, ["시부트라민", "Sibutramine", "西布曲明, シブトラミン, sibutramine HCl", "Y", "20101015", "",
                               "[의약품 성분] 식욕억제 전문의약품 성분", ""], strict=True)),
            dict(zip(headers, ["테스트원료", "Testine", "", "N", "20150101", "20200101", "", "안전성 확인"], strict=True)),
            dict(zip(headers, ["", "", "", "Y", "", "", "", ""], strict=True))]
    notes = SplitNotes()
    a, b = ingredient_records(Table(Path("blocked.json"), headers, rows, {}), "blocked.json", notes)
    assert a.kind == "ingredient-list" and a.locator == "RAW_IRDNT 시부트라민"
    assert a.metadata["other_names"] == "西布曲明 | シブトラミン | sibutramine HCl"
    assert a.metadata["status"] == "Y" and a.metadata["name_en"] == "Sibutramine"
    assert a.metadata["category"] == "의약품 성분" and "category" not in b.metadata
    assert b.metadata["status"] == "N" and b.metadata["release_reason"] == "안전성 확인" and "해제" in b.text
    assert notes.skipped_rows == 1
