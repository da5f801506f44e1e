"""Findings splitter: spreadsheet rows (Korean headers, XLSX-style synonyms) and a numbered report."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import BadInputFile
from ingest.document import Block, Document, Table
from ingest.split.findings import (
    finding_records_from_report,
    finding_records_from_table,
    normalize_disposition,
    parse_year,
)
from ingest.split.notes import SplitNotes

CSV_HEADERS = ["감사연도", "감사기관", "감사대상", "감사종류", "지적사항", "내용", "처분", "관련규정", "분야"]
XLSX_HEADERS = ["연도", "감사실시기관", "피감기관", "감사구분", "제목", "지적내용", "처분요구", "근거법령", "업무분야"]


def table(headers, rows, name="findings.csv"):
    return Table(Path(name), headers, [dict(zip(headers, r, strict=True)) for r in rows], {"format": "csv"})


def test_csv_rows_one_record_each():
    rows = [
        ["2023", "관세청 감사관실", "인천세관", "종합감사", "보세사 공백 방치", "보세사 없이 3개월 운영", "주의요구",
         "관세법 제157조", "보세"],
        ["2022년", "서울본부세관", "평택세관", "특정감사", "특송물품 목록통관 오류", "6병 초과 건강기능식품 통관", "징계요구(경징계)",
         "특송물품 수입통관 사무처리에 관한 고시 제8조", "통관"],
    ]
    recs = finding_records_from_table(table(CSV_HEADERS, rows), "findings.csv")
    assert [r.locator for r in recs] == ["행 1", "행 2"]
    a, b = recs
    assert a.kind == "finding" and a.title == "보세사 공백 방치"
    assert a.metadata == {"year": 2023, "auditor": "관세청 감사관실", "office": "인천세관", "audit_type": "종합감사",
                          "disposition": "주의", "disposition_text": "주의요구", "regulation": "관세법 제157조",
                          "field": "보세", "finding_no": "1", "agency": "인천세관"}
    assert b.metadata["year"] == 2022 and b.metadata["disposition"] == "징계"
    assert "보세사 없이 3개월 운영" in a.text and "관세법 제157조" in a.text and "인천세관" in a.text


def test_xlsx_synonym_headers():
    row = ["2024", "감사원", "부산세관", "성과감사", "변상 사례", "가산세 미징수", "변상명령", "관세법 제42조", "징수"]
    (r,) = finding_records_from_table(table(XLSX_HEADERS, [row], "f.xlsx"), "f.xlsx")
    assert r.metadata["office"] == "부산세관" and r.metadata["auditor"] == "감사원"
    assert r.metadata["disposition"] == "변상" and r.metadata["regulation"] == "관세법 제42조"
    assert r.metadata["audit_type"] == "성과감사" and r.metadata["field"] == "징수"


def test_rows_without_title_or_content_skipped_with_warning():
    rows = [["2023", "a", "b", "c", "", "", "주의", "", ""], ["2023", "a", "b", "c", "제목", "", "주의", "", ""],
            [""] * 9]
    notes = SplitNotes()
    recs = finding_records_from_table(table(CSV_HEADERS, rows), "f.csv", notes)
    assert [r.locator for r in recs] == ["행 2"]
    assert notes.skipped_rows == 1 and "행 1" in notes.warnings[0]


def test_unknown_headers_raise_naming_file_and_headers():
    with pytest.raises(BadInputFile) as exc:
        finding_records_from_table(table(["foo", "bar"], [["1", "2"]], "weird.csv"), "weird.csv")
    msg = str(exc.value)
    assert "weird.csv" in msg and "foo" in msg and "지적사항" in msg


@pytest.mark.parametrize("value,expected", [
    ("주의요구", "주의"), ("징계요구", "징계"), ("변상명령", "변상"), ("시정요구 및 주의", "시정"), ("문책", "문책"),
    ("개선요구", "개선"), ("권고", "권고"), ("통보", "통보"), ("고발", "고발"), ("Caution", "주의"), ("현지조치", "현지조치"),
])
def test_dispositions(value, expected):
    assert normalize_disposition(value) == expected


def test_years():
    assert parse_year("2023") == 2023 and parse_year("2021년 상반기") == 2021 and parse_year("2020-05-01") == 2020
    assert parse_year("") is None and parse_year("미상") is None


REPORT = """관세청 자체감사 결과 보고서(샘플)
감사연도: 2024
감사기관: 관세청 감사관실
감사대상: 인천본부세관
감사종류: 종합감사
1. 보세구역 반출입 신고 지연
가. 현황
보세창고 운영인이 반출 신고를 최대 12일 늦게 하였다.
1) 세관은 이를 점검하지 않았다.
2. 위 사항은 다음 점검에서 다시 보았다.
나. 관련 규정: 관세법 제157조
다. 처분: 주의
2. 특송물품 목록통관 기준 위반
가. 현황
건강기능식품 8병을 목록통관하였다.
감사대상: 평택세관
나. 관련 규정: 특송물품 수입통관 사무처리에 관한 고시 제8조
다. 처분: 시정요구
"""


def test_report_one_record_per_numbered_finding():
    blocks = [Block(line, page=1 if i < 12 else 2) for i, line in enumerate(REPORT.splitlines())]
    doc = Document(Path("report.pdf"), "관세청 자체감사 결과 보고서(샘플)", blocks, {"format": "pdf"})
    recs = finding_records_from_report(doc, "report.pdf")
    assert [r.locator for r in recs] == ["지적 1", "지적 2"]
    one, two = recs
    assert one.title == "보세구역 반출입 신고 지연"
    assert one.metadata["year"] == 2024 and one.metadata["auditor"] == "관세청 감사관실"
    assert one.metadata["office"] == "인천본부세관" and one.metadata["audit_type"] == "종합감사"
    assert one.metadata["regulation"] == "관세법 제157조" and one.metadata["disposition"] == "주의"
    assert one.metadata["finding_no"] == "1"
    # the numbered line inside finding 1 ("2. 위 사항은…") did not open finding 2 early
    assert "다음 점검에서" in one.text and "12일" in one.text
    assert two.metadata["disposition"] == "시정" and two.metadata["office"] == "평택세관"
    assert two.metadata["year"] == 2024 and two.metadata["pages"] == "2"


def test_report_without_numbered_sections_falls_back_to_pages():
    blocks = [Block("감사연도: 2023", page=1), Block("보세사 공백이 있었다.", page=1), Block("처분: 주의", page=2)]
    doc = Document(Path("memo.pdf"), "감사 메모", blocks, {"format": "pdf"})
    recs = finding_records_from_report(doc, "memo.pdf")
    assert [r.locator for r in recs] == ["p.1", "p.2"] and recs[0].metadata["year"] == 2023


def test_several_labels_on_one_line_and_wrapped_citation():
    lines = [
        "2024년 세관 정기감사 결과(샘플)",
        "감사연도: 2024",
        "감사기관: 관세청 감사담당관실감사대상: 인천공항세관감사종류: 정기감사감사기간: 2024. 5. 13.~2024. 5. 31.",
        "1. 보세운송 미착 화물 조사 누락",
        "(업무분야: 보세화물 / 대상부서: 화물관리과)",
        "가. 현황",
        "처분: 이라는 말이 본문 중간에 나와도 필드가 아니다.",
        "나. 관련 규정: 관세법(샘플) 제96조 제2항, 여행자 및 승무원 휴대품 통관에 관한",
        "고시(샘플) 제8조",
        "다. 처분요구: 주의",
    ]
    doc = Document(Path("r.txt"), "r", [Block("\n".join(lines))], {"format": "txt"})
    (r,) = finding_records_from_report(doc, "r.txt")
    m = r.metadata
    assert (m["auditor"], m["audit_type"], m["period"]) == ("관세청 감사담당관실", "정기감사", "2024. 5. 13.~2024. 5. 31.")
    assert m["office"] == "인천공항세관 화물관리과" and m["department"] == "화물관리과" and m["field"] == "보세화물"
    assert m["regulation"] == "관세법(샘플) 제96조 제2항, 여행자 및 승무원 휴대품 통관에 관한 고시(샘플) 제8조"
    assert m["disposition"] == "주의"


@settings(max_examples=200, deadline=2000)
@given(st.lists(st.text(alphabet=st.sampled_from(list("12. 가나다:：처분관련 규정감사연도(/)|\n지적")), max_size=60),
                max_size=30))
def test_report_parser_never_crashes(lines):
    doc = Document(Path("fuzz.pdf"), "fuzz", [Block(line, page=1) for line in lines], {"format": "pdf"})
    recs = finding_records_from_report(doc, "fuzz.pdf")
    assert len({r.id for r in recs}) == len(recs)


@pytest.mark.parametrize("h1,h2,sub", [
    ("[지적사항 1] 보세사 공백", "[지적사항 2] 목록통관 오류", "2. 개선 방안"),
    ("지적 1: 보세사 공백", "지적 2: 목록통관 오류", "2) 개선 방안"),
    ("제1건 보세사 공백", "제2건 목록통관 오류", "2. 개선 방안"),
    ("1. 보세사 공백", "2. 목록통관 오류", "2) 개선 방안"),
])
def test_report_heading_styles_and_sub_items(h1, h2, sub):
    text = f"감사연도: 2023\n{h1}\n가. 현황\n1) 문제\n{sub}\n처분: 주의\n{h2}\n가. 현황\n처분: 시정"
    doc = Document(Path("r.hwp"), "r", [Block(text)], {"format": "hwp"})
    recs = finding_records_from_report(doc, "r.hwp")
    assert [(r.locator, r.title, r.metadata["disposition"]) for r in recs] == [
        ("지적 1", "보세사 공백", "주의"), ("지적 2", "목록통관 오류", "시정")]
    assert "개선 방안" in recs[0].text


def test_report_labels_share_the_spreadsheet_header_synonyms():
    """Offices label report fields the way they head spreadsheet columns: 소관부서, 업무구분, 위반조항, 관계부서…"""
    lines = [
        "2025년 ○○세관 정기감사 결과 보고(샘플)",
        " - 감사년도 : 2025",
        " - 감사실시기관 : 부산본부세관 감사담당관실",
        " - 피감기관 : 김해공항세관",
        "제1건 가족 면세한도 합산 적용",
        "   · 소관부서 : 여행자통관과",
        "   · 업무구분 : 여행자",
        "   · 처분 : 시정요구",
        "   · 위반조항 : 관세법(샘플) 제96조 제2항",
        "   · 내용 :",
        "     조치: 이 줄은 본문이다. 업무: 이것도 본문이다.",
        "제2건 반출 근거 미확인",
        "○ 관계부서: 화물관리과",
        "○ 처분요구구분: 주의",
        "○ 근거조문: 보세화물 관리에 관한 고시(샘플) 제9조",
    ]
    doc = Document(Path("r.txt"), "r", [Block("\n".join(lines))], {"format": "txt"})
    one, two = finding_records_from_report(doc, "r.txt")
    assert one.metadata["office"] == "김해공항세관 여행자통관과" and one.metadata["field"] == "여행자"
    assert one.metadata["regulation"] == "관세법(샘플) 제96조 제2항" and one.metadata["disposition"] == "시정"
    assert one.metadata["auditor"] == "부산본부세관 감사담당관실" and one.metadata["year"] == 2025
    assert "조치: 이 줄은 본문이다" in one.text  # a generic one-word label inside prose is not a field
    assert two.metadata["office"] == "김해공항세관 화물관리과" and two.metadata["disposition"] == "주의"
    assert two.metadata["regulation"] == "보세화물 관리에 관한 고시(샘플) 제9조"


def test_wrapped_article_number_rejoins_and_closing_mark_ends_the_last_finding():
    lines = [
        "감사기간: 2023. 5. 8. ~ 2023. 5. 19.",
        "[지적사항 1] 검사 결과 허위 입력",
        "○ 근거규정: 수입통관 사무처리에 관한 고시(샘플) 제24조, 수입통관 사무처리에 관한 고시(샘플) 제",
        "28조",
        "□ 감사결과",
        "검사하지 않고 이상 없음을 입력하였다.",
        "[지적사항 2] 차단 성분 반영 지연",
        "○ 근거규정: 수입식품안전관리 특별법 시행규칙(샘플) 제44조의3 제4항, 수입식품안전관리 특별법",
        "(샘플) 제25조의3 제4항",
        "반영이 34일 늦었다.",
        "- 끝 -",
        "붙임: 처분요구서 사본 2부",
    ]
    doc = Document(Path("r.pdf"), "r", [Block("\n".join(lines), page=1)], {"format": "pdf"})
    one, two = finding_records_from_report(doc, "r.pdf")
    assert one.metadata["regulation"] == ("수입통관 사무처리에 관한 고시(샘플) 제24조, "
                                          "수입통관 사무처리에 관한 고시(샘플) 제28조")
    assert two.metadata["regulation"] == ("수입식품안전관리 특별법 시행규칙(샘플) 제44조의3 제4항, "
                                          "수입식품안전관리 특별법(샘플) 제25조의3 제4항")
    assert one.metadata["year"] == two.metadata["year"] == 2023  # from the 감사기간 cover line
    assert "감사연도: 2023" in one.text  # and searchable in the text, as when the cover states it
    assert "반영이 34일 늦었다" in two.text and "끝" not in two.text and "붙임" not in two.text
