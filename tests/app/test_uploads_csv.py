from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from assistant.errors import BadInputFile
from assistant.ui.csv_export import escape_cell, to_csv, write_csv
from assistant.ui.uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_upload, safe_stem, sniff, store_upload


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", " =cmd|' /C calc'!A0", "＝1"])
def test_formula_cells_are_escaped(value):
    assert escape_cell(value).startswith("'")


def test_plain_cells_unchanged_and_csv_roundtrip(tmp_path):
    assert escape_cell("관세법 제157조") == "관세법 제157조" and escape_cell(2022) == 2022
    text = to_csv(["a", "b"], [["=HYPERLINK(\"http://evil\")", "쉼표, 있음"], [None, -5]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=HYPERLINK(\"http://evil\")", "쉼표, 있음"] and rows[2] == ["", "-5"]
    path = write_csv(["a"], [["x"]], "out.csv", tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_sniff_by_content():
    assert sniff(b"%PDF-1.4") == "pdf"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "ole"
    assert sniff(b"PK\x03\x04....") == "zip"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff("제목,내용\n가,나".encode("cp949")) == "text"
    assert sniff(b"\x00\x01\x02binary") is None


def test_upload_checks_content_not_name(tmp_path):
    fake_pdf = tmp_path / "report.pdf"
    fake_pdf.write_text("MZ this is not a pdf")
    with pytest.raises(BadInputFile, match="report.pdf"):
        check_upload(fake_pdf, "report.pdf", DOCUMENT_TYPES, 1 << 20)
    exe = tmp_path / "photo.jpg"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(BadInputFile):
        check_upload(exe, "photo.jpg", IMAGE_TYPES, 1 << 20)
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with pytest.raises(BadInputFile, match="빈 파일"):
        check_upload(empty, "e.txt", DOCUMENT_TYPES, 1 << 20)
    big = tmp_path / "big.txt"
    big.write_text("가" * 1000)
    with pytest.raises(BadInputFile, match="너무 큽니다"):
        check_upload(big, "big.txt", DOCUMENT_TYPES, 100)
    with pytest.raises(BadInputFile, match="지원하지 않는"):
        check_upload(big, "run.sh", DOCUMENT_TYPES, 1 << 20)
    img = tmp_path / "label.png"
    Image.new("RGB", (20, 20), "white").save(img)
    assert check_upload(img, "label.png", IMAGE_TYPES, 1 << 20) == "png"


def test_store_upload_generates_name_inside_home(home, tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("제1조(목적) 샘플", encoding="utf-8")
    stored = store_upload(home, src, "../../../etc/cron.d/evil\x00name.txt", 1 << 20)
    assert stored.path.parent == home / "uploads"
    assert ".." not in stored.path.name and "/" not in stored.path.name and "\x00" not in stored.path.name
    assert stored.path.name.endswith(".txt") and len(stored.sha256) == 64
    assert safe_stem("보세 규정 (2024).hwp") == "보세_규정_2024_.hwp"
