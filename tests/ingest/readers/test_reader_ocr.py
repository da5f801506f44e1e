"""Scanned PDFs (no text layer) read by OCR: pdftoppm + tesseract kor+eng, page cap, missing tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import BadInputFile
from ingest.readers import read_document
from ingest.readers.limits import Limits

FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
needs_ocr = pytest.mark.skipif(not (shutil.which("tesseract") and shutil.which("pdftoppm") and FONT.exists()),
                               reason="tesseract, pdftoppm (poppler-utils) or the Nanum font is not installed")


def scanned_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An image-only PDF (as a scanner makes): each page is a picture of the given lines."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 34)
    images = []
    for lines in pages:
        img = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((110, 120 + 70 * i), line, font=font, fill=0)
        images.append(img)
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


@needs_ocr
def test_scanned_regulation_is_read_by_ocr(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf", [["검역물품 처리 지침(샘플)", "제1조(목적) 이 지침은 검역 절차를 정한다.",
                                               "제2조(보관) 물품은 지정 창고에 보관한다."]])
    doc = read_document(pdf)
    text = "\n".join(b.text for b in doc.blocks)
    assert "제1조(목적)" in text and "제2조(보관)" in text and doc.blocks[0].page == 1
    assert doc.meta["ocr"].startswith("tesseract") and "OCR" in doc.meta["warnings"]


@needs_ocr
def test_ocr_page_cap_is_noted(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf", [["제1조(목적) 첫째 쪽"], ["제2조(보관) 둘째 쪽"]])
    doc = read_document(pdf, Limits(max_ocr_pages=1))
    assert [b.page for b in doc.blocks] == [1]
    assert "앞 1쪽만" in doc.meta["warnings"]


def test_missing_ocr_tools_keep_the_clear_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.new("RGB", (300, 200), "white").save(pdf, "PDF")
    monkeypatch.setattr("ingest.readers.ocr_pdf.shutil.which", lambda name: None)
    with pytest.raises(BadInputFile) as err:
        read_document(pdf)
    assert "텍스트 층" in str(err.value) and "tesseract" in str(err.value)


@needs_ocr
def test_scanned_page_inside_a_text_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from reader_helpers import make_text_pdf

    text_pdf = make_text_pdf(tmp_path / "text.pdf", ["검사 고시(샘플)\n제1조(목적) 검사 절차를 정한다."])
    scan = scanned_pdf(tmp_path / "scan.pdf", [["[별표 1] 검사 수수료(제1조 관련)", "일반 검사 건당 5천원"]])
    writer = PdfWriter()
    for source in (text_pdf, scan):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    merged = tmp_path / "merged.pdf"
    with open(merged, "wb") as fh:
        writer.write(fh)
    doc = read_document(merged)
    assert [b.page for b in doc.blocks] == [1, 2]
    assert "제1조(목적)" in doc.blocks[0].text and "수수료" in doc.blocks[1].text
    assert "쪽 2" in doc.meta["ocr"] and "OCR" in doc.meta["warnings"]
