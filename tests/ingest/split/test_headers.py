"""Header synonyms and kind detection from headers."""

from __future__ import annotations

import pytest

from assistant.errors import BadInputFile
from ingest.split.headers import detect_table_kind, normalize_header, require_schema, schema_for


def test_normalisation_is_case_space_underscore_insensitive():
    assert normalize_header("Product_Name") == normalize_header(" product name ") == normalize_header("PRODUCT-NAME")
    assert normalize_header("\ufeff감사 연도") == normalize_header("감사연도")


@pytest.mark.parametrize("headers,kind", [
    (["감사연도", "감사기관", "감사대상", "감사종류", "지적사항", "내용", "처분", "관련규정", "분야"], "finding"),
    (["연도", "감사실시기관", "피감기관", "감사구분", "제목", "지적내용", "처분요구", "근거법령", "업무분야"], "finding"),
    (["Year", "Auditee", "Title", "Disposition"], "finding"),
    (["SELF_IMPORT_SEQ", "PRDT_NM", "MUFC_NM", "MUFC_CNTRY_NM", "INGR_NM_LST", "BARCD_CTN"], "hazard-list"),
    (["제품명", "제조사", "제조국", "검출성분", "바코드", "등록일"], "hazard-list"),
    (["제품명", "업체명", "제조국", "위해성분", "바코드", "등록일"], "hazard-list"),
    (["Product Name", "Manufacturer", "Country", "Ingredients"], "hazard-list"),
    (["PRDTNM", "BSSHNM", "BRCDNO"], "hazard-list"),
    (["제품명", "제조업소명", "부적합항목", "차단일자"], "hazard-list"),
    (["Product", "Brand", "Country", "Detected Substances", "EAN13"], "hazard-list"),
    (["RAW_IRDNT_NM", "RAW_IRDNT_ENG_NM", "APPN_RELS_DVS"], "ingredient-list"),
    (["원료명(한글)", "원료명(영문)", "기타 명칭", "지정사유"], "ingredient-list"),
    (["원료명", "영문명", "기타명칭", "지정일"], "ingredient-list"),
    (["a", "b", "c"], None),
    (["번호", "이름"], None),
])
def test_detect_table_kind(headers, kind):
    assert detect_table_kind(headers) == kind


def test_first_header_wins_and_unknown_ignored():
    m = schema_for("hazard-list").map(["제품명", "품명", "메모"])
    assert m == {"제품명": "product"}


def test_require_schema_names_file_found_and_expected():
    with pytest.raises(BadInputFile) as exc:
        require_schema("lists/x.csv", ["colA", "colB"], "hazard-list")
    msg = str(exc.value)
    assert "lists/x.csv" in msg and "colA" in msg and "PRDT_NM" in msg


def test_bracketed_qualifiers_are_ignored_only_as_a_fallback():
    m = schema_for("hazard-list").map(["제품명(영문)", "바코드 [EAN-13]", "제조국 (국가)"])
    assert m == {"제품명(영문)": "product", "바코드 [EAN-13]": "barcode", "제조국 (국가)": "country"}
    assert schema_for("finding").map(["처분일자"]) == {}  # not "처분" (disposition)


def test_korean_english_qualifiers_pick_the_right_language():
    m = schema_for("ingredient-list").map(["원료명(한글)", "원료명(영문)", "기타 명칭"])
    assert m == {"원료명(한글)": "name_ko", "원료명(영문)": "name_en", "기타 명칭": "other_names"}


@pytest.mark.parametrize("headers,expected", [
    # a self-audit CSV (CP949) from another office
    (["연번", "감사년도", "감사명", "수감기관", "수감부서", "지적사항 제목", "지적 내용", "처분요구 구분",
      "관련 법령 및 조항", "업무 구분", "처분요구일"],
     {"finding_no", "year", "audit_type", "office", "department", "title", "content", "disposition", "regulation",
      "field"}),
    # case cards with yet other names
    (["사례번호", "감사연월", "감사실시관서", "감사대상관서", "소관과", "지적 건명", "감사 결과", "조치 요구", "근거 조문",
      "감사 분야"],
     {"finding_no", "year", "auditor", "office", "department", "title", "content", "disposition", "regulation",
      "field"}),
    (["관계기관", "관계부서", "제목", "조치요구 구분", "위반 조문", "적용조항"],
     {"office", "department", "title", "disposition", "regulation"}),
])
def test_finding_header_variants_of_other_offices(headers, expected):
    mapping = schema_for("finding").map(headers)
    assert set(mapping.values()) == expected
    assert "처분요구일" not in mapping  # a date column is not the disposition
    assert detect_table_kind(headers) == "finding"


def test_a_header_joining_two_names_reads_as_its_first_known_part():
    f = schema_for("finding").map(["관련 법령 및 조항", "처분일자/처분종류", "메모 및 비고"])
    assert f == {"관련 법령 및 조항": "regulation", "처분일자/처분종류": "disposition"}
    h = schema_for("hazard-list").map(["제품명/상품명", "제조국·원산지", "검출성분(영문)"])
    assert h == {"제품명/상품명": "product", "제조국·원산지": "country", "검출성분(영문)": "ingredients"}
    assert schema_for("finding").map(["감사연도"]) == {"감사연도": "year"}  # whole names still win first
