"""Property tests: every reader, fed random or mutated bytes, returns or raises BadInputFile —
never another exception, never a hang (bounded examples, a deadline per example)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_helpers import SHARED_FIXTURES_DIR, make_text_pdf

from assistant.errors import BadInputFile
from ingest.document import Document, Table
from ingest.readers import read_document, read_table, reader_for

FUZZ = settings(max_examples=40, deadline=5000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SUFFIXES = [".pdf", ".hwp", ".hwpx", ".txt", ".md", ".csv", ".tsv", ".xlsx", ".json"]
PREFIXES = [b"", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"\xef\xbb\xbf", b'{"I2715": ']


def _read(path: Path) -> None:
    try:
        choice = reader_for(path)
        result = (read_document if choice.kind == "document" else read_table)(path)
        assert isinstance(result, Document | Table)
        if isinstance(result, Table):
            for _ in result.iter_rows():
                pass
    except BadInputFile:
        pass  # includes ProtectedDocument and UnsupportedFormat


def _seeds() -> dict[str, bytes]:
    """Small valid files of every format, to mutate."""
    seeds: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        try:
            seeds[".pdf"] = make_text_pdf(tmp_path / "s.pdf", ["제1조(목적) 시험 문장", "제2조 둘째"]).read_bytes()
        except pytest.skip.Exception:
            pass
        wb = openpyxl.Workbook()
        for row in (["제목"], ["제품명", "제조사", "제조국"], ["A", "B", "미국"]):
            wb.active.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        seeds[".xlsx"] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/hwp+zip")
        zf.writestr("Contents/section0.xml", '<hs:sec xmlns:hs="s" xmlns:hp="p"><hp:p><hp:run><hp:t>제1조 본문'
                    '</hp:t></hp:run></hp:p><hp:tbl><hp:tr><hp:tc><hp:subList><hp:p><hp:run><hp:t>셀</hp:t>'
                    '</hp:run></hp:p></hp:subList></hp:tc></hp:tr></hp:tbl></hs:sec>')
    seeds[".hwpx"] = buf.getvalue()
    seeds[".csv"] = "연도,기관,제목\n2023,관세청,\"지적, 사항\"\n".encode("cp949")
    seeds[".json"] = json.dumps({"I2715": {"row": [{"PRDT_NM": "X", "INGR_NM_LST": "시부트라민"}]}}).encode()
    seeds[".txt"] = "제1조(목적) 본문\n\n제2조 둘째".encode("utf-16")
    hwp = SHARED_FIXTURES_DIR / "hwp" / "hwplib_표.hwp"
    if hwp.exists():
        seeds[".hwp"] = hwp.read_bytes()
    return seeds


SEEDS = _seeds()


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash(prefix, body, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(prefix + body)
        _read(path)


@FUZZ
@given(suffix=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_mutated_real_files_never_crash(suffix, data):
    seed = bytearray(SEEDS[suffix])
    n_flips = data.draw(st.integers(0, 12), label="flips")
    for _ in range(n_flips):
        pos = data.draw(st.integers(0, len(seed) - 1), label="pos")
        seed[pos] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.integers(1, len(seed)), label="cut")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"mutant{suffix}"
        path.write_bytes(bytes(seed[:cut]))
        _read(path)
