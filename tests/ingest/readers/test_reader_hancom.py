"""HWP 5 and HWPX readers on every real Hancom file in ../shared/fixtures (skipped where absent).

Reference: each file's own preview text (PrvText / Preview/PrvText.txt, written by the program that
saved the file) must appear in what we read, and no garbage characters may appear.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile

import olefile
import pytest
from reader_helpers import hwp_fixtures, hwpx_fixtures, zip_bomb

from assistant.errors import BadInputFile, ProtectedDocument, UnsupportedFormat
from ingest.readers import read_document, reader_for

# known content per fixture: (words that must appear, table rows that must appear)
EXPECTED = {
    "hwpjs_basicsReport.hwp": (["리포트의 제목", "두 줄로 작성"], ["과목명 | ○○○○", "학번 | 200012345"]),
    "hwpjs_noori.hwp": (["누리", "한국형발사체", "과학기술정보통신부"], ["배포일시 | 2018. 9. 3.(월) 09:00 | 담당부서 | 거대공공연구정책과"]),
    "hwplib_extracting_ParaHead.hwp": (["1", "10"], []),
    "hwplib_각주미주.hwp": (["sssd"], []),
    "hwplib_글상자-압축.hwp": (["그림", "ABC", "123"], []),
    "hwplib_머리글꼬리글.hwp": (["aaa", "fffg"], []),
    "hwplib_문단번호 1-10 수준.hwp": (["양쪽 정렬", "중앙정렬", "글머리표"], []),
    "hwplib_표.hwp": (["표"], ["ABC 123 | DEF | GHI", "LMN | OPQ | STR", "UVM | 123 | 456"]),
    "hwpxlib_MultiColumn.hwpx": (["10"], []),
    "hwpxlib_ParaHead.hwpx": (["글머리1-1", "번호3-2"], []),
    "hwpxlib_SimpleTable.hwpx": ([], ["1 | 2", "5 | 4"]),
    "hwpxlib_Table.hwpx": (["C반 기말고사"], ["이름 | 국어 | 영어 | 수학", "개똥이 | 89 | 65 | 78"]),
    "hwpxlib_mot.hwpx": (["장미란 제2차관", "진천 국가대표 선수촌"], ["담당 부서 | 체육국 | 책임자 | 과장 | 정태경 | (044-203-3111)"]),
    "hwpxlib_multipara.hwpx": (["김하성", "샌디에이고"], []),
    "hwpxlib_no_manifest.hwpx": (["울산광역시 남구 구세 조례 일부개정조례안", "입 법 예 고"], []),
    "hwpxlib_sample1.hwpx": (["수학"], []),
}
EMPTY = {"hwplib_blank.hwp", "hwpxlib_2022.hwpx", "hwpxlib_HeaderFooter.hwpx"}
PROTECTED = {"hwplib_distribution.hwp"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _preview(path) -> str:
    if path.suffix == ".hwp":
        with olefile.OleFileIO(str(path)) as ole:
            return ole.openstream("PrvText").read().decode("utf-16-le", "replace") if ole.exists("PrvText") else ""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        return zf.read("Preview/PrvText.txt").decode("utf-8", "replace") if "Preview/PrvText.txt" in names else ""


def _clean_ratio(text: str) -> float:
    """Share of characters that are letters, digits, punctuation, symbols or spaces (not controls/PUA)."""
    if not text:
        return 1.0
    good = sum(1 for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] in "LNPSZ")
    return good / len(text)


def _all(shared):
    files = hwp_fixtures(shared) + hwpx_fixtures(shared)
    assert len(files) >= 20, "expected the 10 HWP + 10 HWPX fixtures"
    return files


def test_every_fixture_reads_real_text(shared_fixtures):
    seen = set()
    for path in _all(shared_fixtures):
        seen.add(path.name)
        if path.name in PROTECTED:
            continue
        doc = read_document(path)
        assert doc.meta["format"] == path.suffix[1:]
        text = doc.text
        assert _clean_ratio(text) == 1.0, path.name
        assert not re.search(r"[\x00-\x08\x0b-\x1f\ue000-\uf8ff\ufffd]", text), path.name
        if path.name in EMPTY:
            assert doc.blocks == [], path.name
            continue
        assert doc.blocks, path.name
        words, rows = EXPECTED[path.name]
        for word in words:
            assert word in text, (path.name, word)
        table_rows = [b.text for b in doc.blocks if b.kind == "table_row"]
        for row in rows:
            assert row in table_rows, (path.name, row, table_rows[:10])
        body = _norm(text + doc.meta.get("headers_footers", ""))
        for piece in re.split(r"[<>\r\n]", _preview(path)):
            if len(_norm(piece)) >= 6:
                assert _norm(piece) in body, (path.name, piece)
    assert set(EXPECTED) | EMPTY | PROTECTED <= seen


def test_distribution_hwp_is_reported_as_protected(shared_fixtures):
    path = shared_fixtures / "hwp" / "hwplib_distribution.hwp"
    with pytest.raises(ProtectedDocument) as err:
        read_document(path)
    assert "배포용" in str(err.value) and "암호화" in str(err.value) and path.name in str(err.value)


def test_headers_footers_are_kept_in_meta_not_blocks(shared_fixtures):
    doc = read_document(shared_fixtures / "hwpx" / "hwpxlib_HeaderFooter.hwpx")
    assert doc.blocks == [] and "머리말 테스트" in doc.meta["headers_footers"]
    doc = read_document(shared_fixtures / "hwp" / "hwpjs_basicsReport.hwp")
    assert "리포트 제목" in doc.meta["headers_footers"]


def _rewrite(src, dst, drop=(), replace=None, order=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [n for n in zin.namelist() if n not in drop]
        for name in order(names) if order else names:
            data = zin.read(name)
            zout.writestr(name, replace(name, data) if replace else data)
    return dst


def test_hwpx_sections_follow_the_manifest_else_sorted_names(shared_fixtures, tmp_path):
    src = shared_fixtures / "hwpx" / "hwpxlib_no_manifest.hwpx"  # no META-INF/manifest.xml, 2 sections
    doc = read_document(src)
    assert doc.meta["sections"] == "2" and doc.title == "입 법 예 고"
    first_of = {}
    for name in ("section0", "section1"):
        one = _rewrite(src, tmp_path / f"only-{name}.hwpx", drop={"Contents/content.hpf"},
                       order=lambda ns, keep=name: [n for n in ns if "section" not in n or keep in n])
        first_of[name] = read_document(one).blocks[0].text
    assert first_of["section0"] != first_of["section1"]
    # spine reversed → section1 first
    spine_swapped = _rewrite(
        src, tmp_path / "swapped.hwpx",
        replace=lambda n, d: d.replace(b'idref="section0"/><opf:itemref idref="section1"',
                                       b'idref="section1"/><opf:itemref idref="section0"') if n.endswith(".hpf") else d)
    assert read_document(spine_swapped).blocks[0].text == first_of["section1"]
    # no content.hpf at all, members stored section1-then-section0 → sorted by number
    no_hpf = _rewrite(src, tmp_path / "no-hpf.hwpx", drop={"Contents/content.hpf"},
                      order=lambda ns: sorted(ns, key=lambda n: ("section" in n, n), reverse=True))
    blocks = read_document(no_hpf).blocks
    assert blocks[0].text == first_of["section0"] and [b.text for b in blocks] == [b.text for b in doc.blocks]


def test_renamed_hancom_files_are_sniffed_by_content(shared_fixtures, tmp_path):
    hwp = tmp_path / "문서.pdf"
    hwp.write_bytes((shared_fixtures / "hwp" / "hwplib_표.hwp").read_bytes())
    hwpx = tmp_path / "문서.zip"
    hwpx.write_bytes((shared_fixtures / "hwpx" / "hwpxlib_Table.hwpx").read_bytes())
    assert reader_for(hwp).format == "hwp" and reader_for(hwpx).format == "hwpx"
    assert "LMN | OPQ | STR" in read_document(hwp).text


def _hwpx_members(section: bytes = b"") -> dict[str, bytes]:
    return {"mimetype": b"application/hwp+zip", "Contents/header.xml": b"<head/>",
            **({"Contents/section0.xml": section} if section else {})}


def test_hwpx_zip_bomb_is_refused_before_reading(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.hwpx", _hwpx_members(), "Contents/section0.xml", size_mb=64)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(BadInputFile) as err:
        read_document(bomb)
    assert "압축 폭탄" in str(err.value) and "bomb.hwpx" in str(err.value)


def test_hwpx_with_entities_or_broken_xml_is_refused(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b'<hs:sec xmlns:hs="s"><p>&b;</p></hs:sec>')
    evil = tmp_path / "evil.hwpx"
    with zipfile.ZipFile(evil, "w") as zf:
        for name, data in _hwpx_members(laughs).items():
            zf.writestr(name, data)
    with pytest.raises(BadInputFile, match="DTD"):
        read_document(evil)
    broken = tmp_path / "broken.hwpx"
    with zipfile.ZipFile(broken, "w") as zf:
        for name, data in _hwpx_members(b"<sec><p>unclosed").items():
            zf.writestr(name, data)
    with pytest.raises(BadInputFile, match="XML"):
        read_document(broken)


def test_truncated_hwp_and_hwpx_and_non_hwp_ole(shared_fixtures, tmp_path):
    for src in (shared_fixtures / "hwp" / "hwpjs_noori.hwp", shared_fixtures / "hwpx" / "hwpxlib_mot.hwpx"):
        cut = tmp_path / f"cut{src.suffix}"
        data = src.read_bytes()
        cut.write_bytes(data[: len(data) // 3])
        with pytest.raises(BadInputFile) as err:
            read_document(cut)
        assert "cut" in str(err.value)
    doc_like = tmp_path / "old.hwp"
    with olefile.OleFileIO(str(shared_fixtures / "hwp" / "hwplib_표.hwp")) as ole:
        assert ole.exists("FileHeader")
    data = bytearray((shared_fixtures / "hwp" / "hwplib_표.hwp").read_bytes())
    idx = data.find("FileHeader".encode("utf-16-le"))
    data[idx: idx + 20] = "FileHeadeX".encode("utf-16-le")  # no FileHeader stream any more
    doc_like.write_bytes(bytes(data))
    with pytest.raises(UnsupportedFormat, match="HWP"):
        read_document(doc_like)


def test_hwpx_manifest_paths_never_leave_the_archive(tmp_path):
    """A manifest pointing outside the package (../../etc/passwd) and a member named ../x are ignored."""
    hpf = (b'<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:manifest>'
           b'<opf:item id="s0" href="../../etc/passwd"/><opf:item id="s1" href="Contents/section0.xml"/>'
           b'</opf:manifest><opf:spine><opf:itemref idref="s0"/><opf:itemref idref="s1"/></opf:spine></opf:package>')
    section = (b'<hs:sec xmlns:hs="s" xmlns:hp="p"><hp:p><hp:run><hp:t>\xec\xa0\x9c1\xec\xa1\xb0 \xeb\xb3\xb8\xeb\xac\xb8'
               b'</hp:t></hp:run></hp:p></hs:sec>')
    path = tmp_path / "paths.hwpx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in {**_hwpx_members(section), "Contents/content.hpf": hpf,
                           "../Contents/section1.xml": b"<x/>"}.items():
            zf.writestr(name, data)
    doc = read_document(path)
    assert [b.text for b in doc.blocks] == ["제1조 본문"] and doc.meta["sections"] == "1"


def test_hwpx_written_by_python_hwpx_keeps_hanja_tables_and_footnotes(tmp_path):
    """An HWPX written by another library (python-hwpx): Hanja, a table, a footnote, a header."""
    hwpx_lib = pytest.importorskip("hwpx.document")
    doc = hwpx_lib.HwpxDocument.new()
    doc.add_paragraph("관세법(샘플) 關稅法")
    para = doc.add_paragraph("제1조(목적) 이 법은 관세(關稅)의 부과·징수를 정한다.")
    doc.add_footnote("각주: 샘플 문서입니다", para)
    table = doc.add_table(2, 3)
    for r, row in enumerate([["품명", "수량", "가격"], ["건강기능식품", "6병", "US$150"]]):
        for c, value in enumerate(row):
            table.set_cell_text(r, c, value)
    doc.set_header_text("머리말: 관세청(샘플)")
    path = tmp_path / "written.hwpx"
    doc.save_to_path(str(path))
    read = read_document(path)
    texts = [b.text for b in read.blocks]
    assert read.title == "관세법(샘플) 關稅法"
    assert "제1조(목적) 이 법은 관세(關稅)의 부과·징수를 정한다." in texts
    assert "각주: 샘플 문서입니다" in texts
    rows = [b.text for b in read.blocks if b.kind == "table_row"]
    assert rows == ["품명 | 수량 | 가격", "건강기능식품 | 6병 | US$150"]
    assert "머리말: 관세청(샘플)" in read.meta["headers_footers"]
    assert not any("머리말" in t for t in texts)
