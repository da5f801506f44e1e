"""TXT/MD reader encodings, format sniffing, and hostile file names."""

from __future__ import annotations

import zipfile

import pytest

from assistant.errors import BadInputFile, UnsupportedFormat
from ingest.readers import read_document, read_table, reader_for

STATUTE = "관세법(샘플)\n\n제1장 총칙\n\n제1조(목적) 이 법은 관세의 부과·징수에 관하여 정한다.\n① 漢字 병기 關稅"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / f"law-{encoding}.txt"
    path.write_bytes(STATUTE.encode(encoding))
    doc = read_document(path)
    assert doc.title == "관세법(샘플)" and doc.meta["format"] == "txt"
    assert [b.text for b in doc.blocks] == ["관세법(샘플)", "제1장 총칙",
                                           "제1조(목적) 이 법은 관세의 부과·징수에 관하여 정한다.\n① 漢字 병기 關稅"]
    assert doc.blocks[0].page is None


def test_markdown_headings_and_crlf(tmp_path):
    path = tmp_path / "guide.md"
    path.write_bytes("# 특송 통관 지침(샘플)\r\n본문 첫 줄\r\n## 제2절 검사\r\n검사 내용\r\n".encode())
    doc = read_document(path)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "특송 통관 지침(샘플)"), ("paragraph", "본문 첫 줄"), ("heading", "제2절 검사"), ("paragraph", "검사 내용")]
    assert doc.title == "특송 통관 지침(샘플)" and doc.meta["format"] == "md"


def test_empty_and_blank_and_binary_text(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(BadInputFile, match="빈 파일"):
        read_document(empty)
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n \t\n", encoding="utf-8")
    assert read_document(blank).blocks == []  # the caller reports it as empty
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 500)
    with pytest.raises(BadInputFile, match="인코딩"):
        read_document(binary)


def test_sniffing_beats_suffix_and_refuses_unknown_formats(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert reader_for(tmp_path / "notes.csv").kind == "table"
    docx = tmp_path / "report.hwpx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(UnsupportedFormat, match="DOCX"):
        read_document(docx)
    png = tmp_path / "photo.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(UnsupportedFormat, match="이미지"):
        read_document(png)
    odd = tmp_path / "data.bin"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match=r"\.bin"):
        reader_for(odd)
    with pytest.raises(UnsupportedFormat, match="read_document"):
        read_table(_txt(tmp_path))
    with pytest.raises(UnsupportedFormat, match="read_table"):
        read_document(tmp_path / "notes.csv")
    hwp3 = tmp_path / "old.hwp"
    hwp3.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)
    with pytest.raises(UnsupportedFormat, match="HWP 3"):
        read_document(hwp3)


def _txt(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("본문", encoding="utf-8")
    return path


def test_hostile_file_names(tmp_path):
    names = ["감사지적 사례 2023.txt", "규정 📜✅.txt", "..숨김..txt", "a" * 200 + ".txt", "가" * 80 + ".txt"]
    for name in names:
        path = tmp_path / name
        path.write_text("제1조(목적) 본문", encoding="utf-8")
        doc = read_document(path)
        assert doc.path == path and doc.blocks[0].text == "제1조(목적) 본문"
    sub = tmp_path / "sub"
    sub.mkdir()
    dotted = sub / ".." / names[1]  # a path with '..' reads exactly the file it names
    assert read_document(dotted).blocks[0].text == "제1조(목적) 본문"
    with pytest.raises(BadInputFile) as err:
        read_document(tmp_path / "missing 📄.pdf")
    assert "missing 📄.pdf" in str(err.value)
    with pytest.raises(BadInputFile, match="NUL"):
        read_document(str(tmp_path / "bad\x00name.txt"))
    with pytest.raises(BadInputFile):
        read_document(tmp_path)  # a folder is not a file
    with pytest.raises(BadInputFile):
        read_document(tmp_path / ("가" * 200 + ".txt"))  # longer than the file system allows


@pytest.mark.skipif(hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0,
                    reason="root can read files without read permission")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("본문", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(BadInputFile, match="열 수 없습니다"):
        read_document(path)
