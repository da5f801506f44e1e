"""CSV/TSV/XLSX readers: encodings, delimiters, title rows, ragged rows, inert formulas, bombs, row cap."""

from __future__ import annotations

import os
import random
import tracemalloc

import openpyxl
import pytest
from reader_helpers import zip_bomb

from assistant.errors import BadInputFile
from ingest.readers import read_table
from ingest.readers.limits import Limits

ROWS = [
    ["2023", "관세청", "보세구역 반입신고 지연, 가산세 미부과", "주의"],
    ["2022", "감사원", "특송물품 목록통관 한도 초과 방치", "시정"],
]
CSV_TEXT = "연도,감사기관,제목,처분\n" + "".join(
    ",".join(f'"{c}"' if "," in c else c for c in row) + "\n" for row in ROWS)


def test_cp949_csv(tmp_path):
    path = tmp_path / "감사지적.csv"
    path.write_bytes(CSV_TEXT.encode("cp949"))
    table = read_table(path)
    assert table.meta["encoding"] == "cp949" and table.meta["format"] == "csv"
    assert table.headers == ["연도", "감사기관", "제목", "처분"]
    assert [list(r.values()) for r in table.rows] == ROWS


def test_euc_kr_and_utf8_bom_and_utf16_csv(tmp_path):
    for name, data in (("euckr.csv", CSV_TEXT.encode("euc-kr")),
                       ("bom.csv", CSV_TEXT.encode("utf-8-sig")),
                       ("utf16.csv", CSV_TEXT.encode("utf-16"))):
        path = tmp_path / name
        path.write_bytes(data)
        table = read_table(path)
        assert table.headers[0] == "연도", name  # no BOM left on the first header
        assert [list(r.values()) for r in table.rows] == ROWS, name


def test_tsv_semicolon_and_title_rows(tmp_path):
    tsv = tmp_path / "list.tsv"
    tsv.write_text("위해식품 목록(샘플)\n\n제품명\t제조사\t제조국\n슬림X\tACME\t미국\n", encoding="utf-8")
    table = read_table(tsv)
    assert table.meta["delimiter"] == "\t" and table.headers == ["제품명", "제조사", "제조국"]
    assert table.rows == [{"제품명": "슬림X", "제조사": "ACME", "제조국": "미국"}]
    semi = tmp_path / "semi.csv"
    semi.write_text("a;b;c\n1;2,5;3\n", encoding="utf-8")
    assert read_table(semi).rows == [{"a": "1", "b": "2,5", "c": "3"}]


def test_ragged_rows_and_formulas_stay_inert_text(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2\n=cmd|' /C calc'!A0,@SUM(A1),+1,extra1,extra2\n,,\n", encoding="utf-8")
    table = read_table(path)
    assert table.rows[0] == {"a": "1", "b": "2", "c": ""}
    assert table.rows[1] == {"a": "=cmd|' /C calc'!A0", "b": "@SUM(A1)", "c": "+1", "_extra": "extra1 | extra2"}
    assert len(table.rows) == 2  # the all-empty row is dropped
    assert "모자란 행 1개" in table.meta["warnings"] and "넘치는 행 1개" in table.meta["warnings"]


def test_random_bytes_csv_is_refused(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(random.Random(7).randbytes(20_000))
    with pytest.raises(BadInputFile) as err:
        read_table(path)
    assert "garbage.csv" in str(err.value) and "인코딩" in str(err.value)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(BadInputFile, match="빈 파일"):
        read_table(empty)


def test_row_cap_keeps_memory_bounded_and_iter_rows_streams_everything(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="cp949") as fh:
        fh.write("SELF_IMPORT_SEQ,PRDT_NM,INGR_NM_LST\n")
        for i in range(30_000):
            fh.write(f'{i},제품 {i},"시부트라민, 1,3-디메틸아밀아민"\n')
    tracemalloc.start()
    table = read_table(path, Limits(max_table_rows=1000))
    count = 0
    for row in table.iter_rows():
        count += 1
        last = row
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(table.rows) == 1000 and table.meta["truncated"] == "true" and "warnings" not in table.meta
    assert count == 30_000 and last["SELF_IMPORT_SEQ"] == "29999"
    assert peak < 20 * 1024 * 1024  # 30k rows streamed without holding them


def test_small_table_iter_rows_is_rows(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("x,y,z\n1,2,3\n", encoding="utf-8")
    table = read_table(path)
    assert list(table.iter_rows()) == table.rows and "truncated" not in table.meta


def _workbook(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_title_row_header_detection_and_same_header_sheets(tmp_path):
    header = ["제품명", "제조사", "제조국", "바코드", "등록일"]
    import datetime as dt

    path = _workbook(tmp_path / "위해식품.xlsx", {
        "2023": [["해외직구 위해식품 목록(샘플)"], [None], header,
                 ["Slim Max", "ACME", "미국", 8801234567890, dt.datetime(2023, 5, 1)],
                 ["瘦身", "广州", "중국", "=1+1", None]],
        "2024": [header, ["タダラ", "大阪", "일본", None, None]],
        "메모": [["다른", "표", "입니다", "헤더"], ["x", "y", "z", "w"]],
    })
    table = read_table(path)
    assert table.headers == header
    assert table.meta["sheets"] == "2023, 2024" and table.meta["header_row"] == "3"
    assert table.rows[0] == {"제품명": "Slim Max", "제조사": "ACME", "제조국": "미국", "바코드": "8801234567890",
                             "등록일": "2023-05-01"}
    assert table.rows[1]["바코드"] == "=1+1"  # openpyxl stores no cached value: the formula text, never evaluated
    assert [r["제품명"] for r in table.rows] == ["Slim Max", "瘦身", "タダラ"]


def test_xlsx_zip_bomb_and_corrupt_xlsx(tmp_path):
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    bomb = zip_bomb(tmp_path / "bomb.xlsx", members, "xl/worksheets/sheet1.xml", size_mb=64)
    with pytest.raises(BadInputFile) as err:
        read_table(bomb)
    assert "압축 폭탄" in str(err.value) and "bomb.xlsx" in str(err.value)
    good = _workbook(tmp_path / "good.xlsx", {"s": [["a", "b", "c"], [1, 2, 3]]})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BadInputFile):
        read_table(cut)
    notxlsx = tmp_path / "fake.xlsx"
    notxlsx.write_text("this is not a workbook", encoding="utf-8")
    with pytest.raises(BadInputFile, match="내용이 그 형식이 아닙니다"):
        read_table(notxlsx)


def test_bomb_limits_are_configurable_from_env(monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_ZIP_RATIO", "50")
    monkeypatch.setenv("ASSISTANT_MAX_PDF_PAGES", "12")
    lim = Limits.from_env()
    assert lim.max_zip_ratio == 50 and lim.max_pdf_pages == 12
    assert os.environ["ASSISTANT_MAX_ZIP_RATIO"] == "50"


def test_cp949_bytes_after_a_long_ascii_start(tmp_path):
    """The encoding is judged on the first non-ASCII stretch, not on a pure-ASCII head."""
    path = tmp_path / "late.csv"
    ascii_rows = "".join(f"{i},ACME,USA\n" for i in range(40_000))  # > 256 KB of ASCII first
    path.write_bytes(("seq,maker,country\n" + ascii_rows + "40000,제조사,미국\n").encode("cp949"))
    table = read_table(path)
    assert table.meta["encoding"] == "cp949"
    assert table.rows[-1] == {"seq": "40000", "maker": "제조사", "country": "미국"}
