"""PDF reader: browser-printed Korean statute, page numbers, broken-word joining, bad PDFs."""

from __future__ import annotations

import pytest
from pypdf import PdfReader, PdfWriter
from reader_helpers import chromium_pdf, make_text_pdf

from assistant.errors import BadInputFile, ProtectedDocument
from ingest.readers import read_document
from ingest.readers.limits import Limits
from ingest.readers.pdf import join_broken_lines

STATUTE_HTML = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>특송물품 통관 규정(샘플)</title>
<style>body{font-family:"NanumGothic","Noto Sans CJK KR",sans-serif;font-size:12pt}.col{width:6.5cm}</style></head>
<body><div class="col">
<p>특송물품 통관 규정(샘플)</p>
<p>제1조(목적) 이 규정은 특송물품의 수입통관 절차와 여행자 휴대품의 면세 한도에 관하여 필요한 사항을 정함을 목적으로 한다.</p>
<p>제2조(정의) 이 규정에서 사용하는 용어의 뜻은 다음과 같다.</p>
<p>1. "특송물품"이란 상업서류송달업자가 운송하는 물품을 말한다.</p>
<p>2. "건강기능식품"이란 인체에 유용한 기능성을 가진 원료나 성분을 사용하여 제조한 식품을 말한다.</p>
<p>제3조(통관보류) ① 세관장은 국민보건을 해칠 우려가 있는 물품에 대하여 통관을 보류할 수 있다.</p>
<p>② 제1항에 따라 통관이 보류된 물품은 보세구역에 반입하여야 한다.</p>
<p style="page-break-before:always">제4조(검사) 세관장은 수입신고된 물품의 안전성 검사를 실시할 수 있다.</p>
</div></body></html>"""


@pytest.mark.browser
def test_browser_printed_statute_joins_broken_words_and_keeps_structure(tmp_path):
    pdf = chromium_pdf(STATUTE_HTML, tmp_path)
    raw = PdfReader(pdf).pages[0].extract_text().replace("\x01", " ")
    broken = ("면\n세", "대하\n여", "물품\n은", "수\n입통관", "용\n어", "세관\n장")
    assert any(b in raw for b in broken), "the narrow column must really break words (test premise)"
    doc = read_document(pdf)
    assert doc.meta["format"] == "pdf" and doc.meta["pages"] == "2"
    assert doc.title == "특송물품 통관 규정(샘플)"
    assert [b.page for b in doc.blocks] == [1, 2]
    text = doc.blocks[0].text
    for word in ("수입통관", "용어의", "상업서류송달업자가", "건강기능식품", "보세구역에", "이 규정은 특송물품의"):
        assert word in text
    lines = text.split("\n")
    for start in ("제1조(목적)", "제2조(정의)", "1. ", "2. ", "제3조(통관보류)", "② 제1항에"):
        assert any(line.startswith(start) for line in lines), start
    assert doc.blocks[1].text.startswith("제4조(검사)")
    assert not any(ch < " " and ch not in "\n\t" for ch in doc.text)
    for b in broken:
        if b in raw and b.split("\n")[0][-1] not in "은는을를에의와며및등":
            assert b.replace("\n", "") in text


def test_join_keeps_structure_lines_and_particle_breaks():
    text = "제5조(신고) 수입하려는 자는 세관\n장에게 신고하여야 한다.\n① 신고는\n전자문서로 한다.\n가. 물품의\n명칭"
    joined = join_broken_lines(text)
    assert "세관장에게" in joined
    assert "\n① 신고는 전자문서로" in joined  # "는" ends a word: joined with a space
    assert "\n가. 물품의 명칭" in joined
    assert join_broken_lines("관세를 부과한다.\n다만, 예외") == "관세를 부과한다.\n다만, 예외"
    assert join_broken_lines("통관목록을 세관장에\n게 제출한다.") == "통관목록을 세관장에게 제출한다."
    assert join_broken_lines("정하지 아니한 사항은 「\n수입통관 고시」를 따른다.") == "정하지 아니한 사항은 「수입통관 고시」를 따른다."
    assert join_broken_lines("(이하 \"특송물품\"이라 한\n다)의 통관") == "(이하 \"특송물품\"이라 한다)의 통관"
    assert join_broken_lines("제1장 총칙\n제1조(목적)") == "제1장 총칙\n제1조(목적)"
    assert join_broken_lines("Customs\nlaw") == "Customs\nlaw"


def test_fpdf_pages_keep_numbers(tmp_path):
    pdf = make_text_pdf(tmp_path / "rules.pdf", ["제1조(목적) 첫째 쪽\n- 1 -", "", "제2조(정의) 셋째 쪽\n3 / 3"])
    doc = read_document(pdf)
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "제1조(목적) 첫째 쪽"), (3, "제2조(정의) 셋째 쪽")]
    assert doc.meta["pages"] == "3"


def test_zero_byte_truncated_and_corrupt(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    good = make_text_pdf(tmp_path / "good.pdf", ["제1조 내용 " * 50] * 3)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    for path, words in ((empty, "빈 파일"), (truncated, "잘렸"), (corrupt, "PDF")):
        with pytest.raises(BadInputFile) as err:
            read_document(path)
        assert path.name in str(err.value) and words in str(err.value)
        assert not isinstance(err.value, ProtectedDocument)


def _encrypt(src, dst, user: str, owner: str, algorithm: str = "AES-128"):
    writer = PdfWriter(clone_from=str(src))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst


def test_encrypted_pdf_is_protected_but_owner_only_password_is_read(tmp_path):
    good = make_text_pdf(tmp_path / "good.pdf", ["제1조(목적) 암호 시험"])
    locked = _encrypt(good, tmp_path / "locked.pdf", user="secret", owner="owner")
    with pytest.raises(ProtectedDocument) as err:
        read_document(locked)
    assert "locked.pdf" in str(err.value) and "암호" in str(err.value)
    # permissions-only PDFs (empty user password) are common in government sites: readable
    for algorithm in ("RC4-128", "AES-128"):
        open_pdf = _encrypt(good, tmp_path / f"open-{algorithm}.pdf", user="", owner="owner", algorithm=algorithm)
        assert "암호 시험" in read_document(open_pdf).blocks[0].text


def test_scanned_pdf_without_text_layer(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(img).rectangle((50, 50, 550, 350), outline="black", width=5)
    scanned = tmp_path / "scan.pdf"
    img.save(scanned, "PDF")  # written by Pillow: an image-only PDF like a scanner makes
    with pytest.raises(BadInputFile) as err:
        read_document(scanned)
    assert "텍스트 층" in str(err.value) and "OCR" in str(err.value)


def test_page_cap_is_enforced_with_a_clear_message(tmp_path):
    pdf = make_text_pdf(tmp_path / "many.pdf", [f"제{i}조 내용" for i in range(1, 8)])
    with pytest.raises(BadInputFile) as err:
        read_document(pdf, Limits(max_pdf_pages=5))
    assert "7쪽" in str(err.value) and "한도 5쪽" in str(err.value)
    assert len(read_document(pdf, Limits(max_pdf_pages=7)).blocks) == 7


@pytest.mark.parametrize(
    "raw, joined",
    [
        ("관세는 수입물품에 부과\n한다.", "관세는 수입물품에 부과한다."),  # broken inside a word
        ("화물을 도착지에서\n반입신고를 하여야 한다.", "화물을 도착지에서 반입신고를 하여야 한다."),  # wrapped at a space
        ("목록통관할\n수 없으며 건강기\n능식품은", "목록통관할 수 없으며 건강기능식품은"),
        ("관세청 감사담당관실\n감사대상: 인천공항세관", "관세청 감사담당관실\n감사대상: 인천공항세관"),  # a labelled field line
        ("세관장에\n게 신고한다.", "세관장에게 신고한다."),
    ],
)
def test_line_joining_decides_word_boundaries(raw, joined):
    from ingest.readers.pdf import join_broken_lines

    assert join_broken_lines(raw) == joined


def test_short_lines_such_as_table_rows_are_not_glued():
    from ingest.readers.pdf import join_broken_lines

    text = (
        "제12조(자가사용 인정기준) ① 자가사용물품으로 인정하는 기준은 별표 1과 같으며 세관장은 이를 넘는 물품에\n"
        "대하여 수입요건을 확인하여야 한다. 다만 세관장은 여행자가 휴대하여 들여오는 물품의 경우에는 그 수량\n"
        "과 가격을 고려하여 따로 정할 수 있으며 이 경우 그 기준을 세관 게시판에 게시하여 누구나 볼 수 있게\n"
        "하여야 한다. 이 기준은 매년 한 번 이상 검토하여 필요하면 고쳐야 하며 고친 내용은 관세청장에게 보고\n"
        "한다.\n"
        "구분 품목 인정기준 비고\n"
        "식품류 건강기능식품 총 6병\n"
        "의약품 한약재 합계 3킬로그램"
    )
    lines = join_broken_lines(text).split("\n")
    assert lines[0].endswith("관세청장에게 보고한다.")
    assert lines[1:] == ["구분 품목 인정기준 비고", "식품류 건강기능식품 총 6병", "의약품 한약재 합계 3킬로그램"]
