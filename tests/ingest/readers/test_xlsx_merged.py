"""XLSX merged cells (병합 셀): a range over several rows gives each row the top-left value."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from ingest.readers.tables import merged_ranges, read_xlsx


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "지적 사례&카드"  # an escaped name in workbook.xml
    ws.append(["2024 지적사례 카드(샘플)"])
    ws.merge_cells("A1:E1")  # a title row: one row, left alone
    ws.append(["연도", "감사기관", "감사대상", "제목", "처분"])
    ws.append([2024, "관세청 감사관실", "인천세관", "목록통관 배제 미확인", "주의"])
    ws.append([None, None, None, "X-ray 기록 누락", "시정"])
    ws.append([2022, "서울본부세관", "부산세관", "유치물품 미처리", "통보"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:C4")  # two rows and two columns
    wb.save(path)
    return path


def test_merged_ranges_are_read_from_the_sheet_xml(tmp_path: Path) -> None:
    ranges = merged_ranges(_book(tmp_path / "cards.xlsx"))
    assert sorted(ranges["지적 사례&카드"]) == [(1, 1, 1, 5), (3, 1, 4, 1), (3, 2, 4, 3)]


def test_rows_under_a_merged_range_get_its_value(tmp_path: Path) -> None:
    table = read_xlsx(_book(tmp_path / "cards.xlsx"))
    assert table.headers == ["연도", "감사기관", "감사대상", "제목", "처분"]
    rows = list(table.iter_rows())
    assert [r["연도"] for r in rows] == ["2024", "2024", "2022"]
    assert rows[1]["감사기관"] == "관세청 감사관실" and rows[1]["감사대상"] == "관세청 감사관실"
    assert rows[2]["감사대상"] == "부산세관"


def test_damaged_zip_gives_no_ranges(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert merged_ranges(bad) == {}
