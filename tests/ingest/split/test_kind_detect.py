"""Audit reports found by content (outside audit_findings/), unique locators, header synonyms."""

from __future__ import annotations

from pathlib import Path

from ingest.document import Block, Document, Table
from ingest.split import split_file, unique_locators
from ingest.split.detect import looks_like_findings
from ingest.split.findings import finding_records_from_table
from ingest.split.notes import SplitNotes
from ingest.split.statute import statute_records

REPORT = """2023년 부산세관 특정감사 결과(샘플)
감사기관: 관세청 감사관실
감사대상: 부산세관
Ⅱ. 지적사항
1. 반입신고 지연 방치
가. 현황
보세구역 반입신고가 늦었는데도 과태료를 부과하지 않았다.
나. 관련 규정: 관세법(샘플) 제157조
다. 처분요구: 시정
2. 검사 기록 누락
가. 현황
검사 결과를 기록하지 않았다.
나. 관계법령 : 관세법(샘플) 제246조
다. 처분: 주의
"""


def test_report_outside_findings_folder_is_split_as_findings(tmp_path: Path) -> None:
    path = tmp_path / "감사결과.txt"
    path.write_text(REPORT, encoding="utf-8")
    notes = SplitNotes()
    kind, records = split_file(path, None, None, notes)
    assert kind == "finding"
    assert [r.locator for r in records] == ["지적 1", "지적 2"]
    assert records[0].metadata["disposition"] == "시정" and records[1].metadata["disposition"] == "주의"
    assert records[1].metadata["regulation"].startswith("관세법(샘플) 제246조")
    assert any("감사" in w for w in notes.warnings)
    # the regulations folder does not make it a regulation either; an explicit --kind still wins
    assert split_file(path, None, "regulation", SplitNotes())[0] == "finding"
    assert split_file(path, "regulation", None, SplitNotes())[0] == "regulation"


def test_document_with_articles_stays_regulation(tmp_path: Path) -> None:
    text = ("검사 운영 지침(샘플)\n제1조(목적) 이 지침은 검사 절차를 정한다.\n제2조(처분) 세관장은 다음과 같이 처분한다.\n"
            "처분: 주의\n관련 규정: 관세법 제246조\n1. 검사를 기록한다.\n")
    path = tmp_path / "지침.txt"
    path.write_text(text, encoding="utf-8")
    kind, records = split_file(path, None, None, SplitNotes())
    assert kind == "regulation" and [r.locator for r in records] == ["제1조", "제2조"]


def test_plain_memo_is_not_a_report() -> None:
    doc = Document(Path("memo.txt"), "", [Block("회의 결과\n1. 다음 회의는 5일이다.\n처분: 없음")], {})
    assert not looks_like_findings(doc)  # no legal basis, heading or cover fields


def test_page_chunks_never_share_a_locator() -> None:
    long_line = "가" * 900
    doc = Document(Path("memo.pdf"), "업무 메모(샘플)", [Block(f"{long_line}\n{long_line}", page=1),
                                                      Block(long_line, page=2)], {})
    records = unique_locators(statute_records(doc, "memo.pdf"))
    locators = [r.locator for r in records]
    assert locators == ["p.1", "p.1-2", "p.2"]
    assert records[1].title.endswith("p.1-2")
    assert len({r.id for r in records}) == 3


def test_year_and_other_header_synonyms() -> None:
    headers = ["지적년도", "감사단", "피감사기관", "수감부서", "지적사항", "지적내용", "조치결과", "위반법령"]
    rows = [dict(zip(headers, ["2023", "감사관실", "평택세관", "통관지원과", "제목", "내용", "주의 요구", "관세법 제96조"],
                     strict=True))]
    rec = finding_records_from_table(Table(Path("f.csv"), headers, rows, {}), "f.csv")[0]
    m = rec.metadata
    assert (m["year"], m["auditor"], m["office"], m["disposition"], m["regulation"]) == (
        2023, "감사관실", "평택세관 통관지원과", "주의", "관세법 제96조")
    for header in ("지적연도", "회계연도", "감사년도", "회계년도"):
        rows = [{header: "2021", "제목": "t"}]
        assert finding_records_from_table(Table(Path("f.csv"), [header, "제목"], rows, {}), "f.csv")[0].metadata["year"] == 2021


def test_manual_with_actions_but_no_audit_disposition_stays_regulation() -> None:
    doc = Document(Path("매뉴얼.hwp"), "", [Block("특송 검사 매뉴얼(샘플)\n1. 검사 대상 선별\n조치사항: 통관보류 후 분석 의뢰\n"
                                                 "근거: 관세법 제246조\n2. 결과 통보\n처분: 반송 또는 폐기")], {})
    assert not looks_like_findings(doc)


def test_report_with_table_rows_is_found() -> None:
    doc = Document(Path("결과.hwp"), "", [Block("감사결과 처분요구서(샘플)\n1. 반입신고 지연 방치\n처분요구 | 시정\n"
                                               "관련규정 | 관세법(샘플) 제157조\n2. 검사 기록 누락\n처분요구 | 주의")], {})
    assert looks_like_findings(doc)


def test_hazard_header_variants() -> None:
    from ingest.split.headers import SCHEMAS

    mapped = SCHEMAS["hazard-list"].map(["제품명", "제조사/판매사", "적발 성분", "바코드(EAN)", "제조국(원산지)"])
    assert sorted(mapped.values()) == ["barcode", "country", "ingredients", "manufacturer", "product"]
