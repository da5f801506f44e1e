"""Hostile sizes (slow, bounded): a 1,000,000-row CSV streams in bounded memory; a 5,000-page PDF
is read page by page. Timings live in bench/, not here."""

from __future__ import annotations

import tracemalloc

import pytest
from pypdf import PdfReader, PdfWriter
from reader_helpers import make_text_pdf

from ingest.readers import read_document, read_table
from ingest.readers.limits import Limits

pytestmark = pytest.mark.slow


def test_million_row_csv_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "million.csv"
    with open(path, "w", encoding="cp949", newline="") as fh:
        fh.write("SELF_IMPORT_SEQ,PRDT_NM,MUFC_CNTRY_NM,INGR_NM_LST\n")
        fh.writelines(f'{i},제품 {i},미국,"시부트라민, 1,3-디메틸아밀아민"\n' for i in range(1_000_000))
    tracemalloc.start()
    table = read_table(path, Limits(max_table_rows=10_000))
    count = sum(1 for _ in table.iter_rows())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 1_000_000 and len(table.rows) == 10_000 and table.meta["truncated"] == "true"
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_five_thousand_page_pdf_is_read_page_by_page(tmp_path):
    one = make_text_pdf(tmp_path / "one.pdf", ["제1조(샘플) 세관장은 통관을 보류할 수 있다."])
    page = PdfReader(one).pages[0]
    writer = PdfWriter()
    for _ in range(5000):
        writer.add_page(page)
    big = tmp_path / "big.pdf"
    with open(big, "wb") as fh:
        writer.write(fh)
    doc = read_document(big)  # default cap (10,000 pages) reads it fully
    assert doc.meta["pages"] == "5000" and len(doc.blocks) == 5000
    assert doc.blocks[-1].page == 5000 and "통관을 보류할" in doc.blocks[-1].text
