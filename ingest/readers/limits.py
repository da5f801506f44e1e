"""Resource limits for hostile inputs (zip bombs, giant PDFs, million-row CSVs).  # 입력 제한

Defaults are generous for real office files; each can be overridden with an environment variable
(`ASSISTANT_MAX_PDF_PAGES=5000`) or by passing a `Limits` to a reader.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.errors import BadInputFile

MB = 1024 * 1024
# what `zipfile` raises on corrupt or hostile archives (bad headers, unknown versions/methods,
# broken deflate streams, CRC mismatches, encrypted members)
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, zlib.error,
              ValueError, struct.error, KeyError, RuntimeError, OverflowError)


@dataclass(frozen=True)
class Limits:
    max_pdf_pages: int = 10_000        # pages read from one PDF; more → BadInputFile. 5,000 pages read in ~16 s
    max_zip_total: int = 512 * MB      # sum of uncompressed member sizes in an HWPX/XLSX
    max_zip_member: int = 256 * MB     # one uncompressed member
    max_zip_ratio: int = 200           # uncompressed/compressed for members above 1 MB
    max_zip_members: int = 20000
    max_table_rows: int = 200_000      # rows kept in Table.rows; Table.iter_rows() streams the rest
    max_json_bytes: int = 256 * MB     # JSON is parsed whole
    max_text_bytes: int = 256 * MB     # TXT/MD are decoded whole
    max_hwp_stream: int = 256 * MB     # one decompressed HWP BodyText section
    max_ocr_pages: int = 100           # pages of a scanned (text-less) PDF read by OCR; the rest are left out
    ocr_dpi: int = 200                 # page rendering for OCR (pdftoppm -r)
    ocr_psm: int = 4                   # tesseract page segmentation: 4 = one column of text of varying sizes
    ocr_page_timeout_s: int = 120      # one page's render + recognition

    @classmethod
    def from_env(cls) -> Limits:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"ASSISTANT_{f.name.upper()}")
            if raw and raw.strip().isdigit():
                values[f.name] = int(raw)
        return cls(**values)


def current(limits: Limits | None = None) -> Limits:
    return limits or Limits.from_env()


def check_zip(zf: zipfile.ZipFile, path: Path, limits: Limits | None = None) -> None:
    """Refuse zip bombs before any member is read: sizes come from the central directory,
    and `zipfile` stops decompressing at the declared size, so a lying header cannot get past."""
    lim = current(limits)
    infos = zf.infolist()
    if len(infos) > lim.max_zip_members:
        raise BadInputFile(path, f"압축 항목이 너무 많습니다({len(infos):,}개). 압축 폭탄으로 보여 읽지 않습니다.",
                           f"too many archive members ({len(infos):,}); looks like a zip bomb, not read")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > lim.max_zip_member or (size > MB and ratio > lim.max_zip_ratio):
            raise BadInputFile(
                path,
                f"압축 폭탄으로 보이는 항목이 있어 읽지 않습니다: {info.filename} "
                f"(압축 해제 {size / MB:,.0f} MB, 압축률 {ratio:,.0f}:1)",
                f"refused, looks like a zip bomb: member {info.filename} expands to {size / MB:,.0f} MB "
                f"(ratio {ratio:,.0f}:1)",
            )
    if total > lim.max_zip_total:
        raise BadInputFile(path, f"압축 해제 크기가 너무 큽니다({total / MB:,.0f} MB). 압축 폭탄으로 보여 읽지 않습니다.",
                           f"uncompressed size too large ({total / MB:,.0f} MB); looks like a zip bomb")


def open_zip(path: Path, limits: Limits | None = None) -> zipfile.ZipFile:
    """Open a zip container (HWPX/XLSX) with the bomb check; corrupt → BadInputFile."""
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise BadInputFile(path, f"압축(zip) 구조가 손상되었습니다: {exc}", f"corrupt zip container: {exc}") from exc
    try:
        check_zip(zf, path, limits)
    except BadInputFile:
        zf.close()
        raise
    return zf
