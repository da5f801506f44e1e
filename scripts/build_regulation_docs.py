"""Build the sample regulation PDFs and HWPX from the text sources (샘플 법령 PDF·HWPX 생성).

Usage:  .venv/bin/python scripts/build_regulation_docs.py [--out corpora/regulations]

Sources live in scripts/regulation_sources/*.txt (written by us, marked 샘플) so the corpus folder
holds each document exactly once, in its target format:

- 수입통관_사무처리에_관한_고시_샘플.pdf and 특송물품_수입통관_사무처리에_관한_고시_샘플.pdf are
  text PDFs printed with fpdf2 and the NanumGothic TTF (Debian fonts-nanum). Lines wrap by
  character, as Korean word processors do, so some words break across lines; every page carries
  its number in the footer; a line group starting with "|" becomes a table (the 별표).
- 여행자_및_승무원_휴대품_통관에_관한_고시_샘플.hwpx is written with python-hwpx.

Reproducible: fixed creation dates, and the HWPX zip is re-packed with fixed member timestamps, so
running the script again yields byte-identical files (checked by tests/corpora).
Deliberate simplifications: one font size per block kind, no running header, no table styling.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import random
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "regulation_sources"
FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
FIXED_DATE = dt.datetime(2025, 3, 15, 9, 0, 0, tzinfo=dt.UTC)
ZIP_DATE = (2025, 3, 15, 9, 0, 0)

PDF_DOCS = {
    "수입통관_사무처리에_관한_고시_샘플": "수입통관 사무처리에 관한 고시(샘플)",
    "특송물품_수입통관_사무처리에_관한_고시_샘플": "특송물품 수입통관 사무처리에 관한 고시(샘플)",
}
HWPX_DOCS = {
    "여행자_및_승무원_휴대품_통관에_관한_고시_샘플": "여행자 및 승무원 휴대품 통관에 관한 고시(샘플)",
}
HEADING_PREFIXES = ("제1장", "제2장", "제3장", "제4장", "제5장", "제6장", "부칙", "[별표")


def read_source(stem: str) -> list[str]:
    return (SOURCES / f"{stem}.txt").read_text(encoding="utf-8").splitlines()


def is_heading(line: str) -> bool:
    """Chapter/section headings (장·절) and 부칙/별표 captions are set in bold."""
    s = line.strip()
    if s.startswith(HEADING_PREFIXES):
        return True
    return s.startswith("제") and ("절 " in s[:6]) and "(" not in s


def _indent(line: str) -> float:
    """Left indent in mm: 호 (1. 2.) 4 mm, 목 (가. 나.) 8 mm."""
    s = line.lstrip()
    if s[:1].isdigit() and "." in s[:4]:
        return 4.0
    if len(s) > 1 and s[1] == "." and "가" <= s[0] <= "힣":
        return 8.0
    return 0.0


def build_pdf(stem: str, title: str, out_dir: Path) -> Path:
    from fpdf import FPDF
    from fpdf.enums import WrapMode, XPos, YPos

    class _PDF(FPDF):
        def footer(self) -> None:  # page number, as printed statute books do
            self.set_y(-15)
            self.set_font("Nanum", size=9)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = _PDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author("customs-assistant 샘플 코퍼스")
    pdf.set_subject("시험용 샘플 고시 (실제 법령과 다를 수 있음)")
    pdf.set_creator("scripts/build_regulation_docs.py")
    pdf.add_font("Nanum", "", str(FONT_DIR / "NanumGothic.ttf"))
    pdf.add_font("Nanum", "B", str(FONT_DIR / "NanumGothicBold.ttf"))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()

    lines = read_source(stem)
    pdf.set_font("Nanum", "B", 16)
    pdf.multi_cell(0, 9, lines[0], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    table_rows: list[list[str]] = []
    for line in lines[1:] + [""]:
        if line.startswith("|"):
            table_rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table_rows:
            _pdf_table(pdf, table_rows)
            table_rows = []
        if not line.strip():
            pdf.ln(2.5)
            continue
        bold = is_heading(line)
        pdf.set_font("Nanum", "B" if bold else "", 11.5 if bold else 10.5)
        indent = _indent(line)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 6.2, line.strip(), wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    path = out_dir / f"{stem}.pdf"
    pdf.output(str(path))
    return path


def _pdf_table(pdf, rows: list[list[str]]) -> None:
    pdf.set_font("Nanum", "", 9.5)
    width = max(len(r) for r in rows)
    with pdf.table(
        col_widths=(18, 34, 42, 50)[:width], line_height=6.5, first_row_as_headings=False
    ) as table:
        for r in rows:
            row = table.row()
            for cell in r + [""] * (width - len(r)):
                row.cell(cell)
    pdf.ln(2)


def build_hwpx(stem: str, title: str, out_dir: Path) -> Path:
    from hwpx import HwpxDocument

    _deterministic_hwpx_ids()
    doc = HwpxDocument.new()
    lines = read_source(stem)
    table_rows: list[list[str]] = []
    for line in lines + [""]:
        if line.startswith("|"):
            table_rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table_rows:
            width = max(len(r) for r in table_rows)
            table = doc.add_table(rows=len(table_rows), cols=width)
            for i, r in enumerate(table_rows):
                for j, cell in enumerate(r):
                    table.set_cell_text(i, j, cell)
            table_rows = []
        if line.strip():
            doc.add_paragraph(line.strip())
    raw = doc.to_bytes()
    path = out_dir / f"{stem}.hwpx"
    path.write_bytes(_fixed_zip(raw))
    return path


def _deterministic_hwpx_ids(seed: int = 20250315) -> None:
    """python-hwpx numbers paragraphs and tables with uuid4(); seed them so rebuilds are identical.

    The library exposes this seam on purpose (`hwpx.oxml._document_impl.uuid4` forwards to its
    primitives module); without it only the ids would differ between runs.
    """
    import hwpx.oxml._document_impl as impl

    rng = random.Random(seed)
    impl.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def _fixed_zip(raw: bytes) -> bytes:
    """Re-pack a zip with fixed member timestamps (same order, mimetype stored first)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "corpora" / "regulations")
    args = parser.parse_args(argv)
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "TSI* NOT subset" noise
    args.out.mkdir(parents=True, exist_ok=True)
    for stem, title in PDF_DOCS.items():
        print(build_pdf(stem, title, args.out))
    for stem, title in HWPX_DOCS.items():
        print(build_hwpx(stem, title, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
