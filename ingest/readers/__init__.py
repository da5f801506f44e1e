"""File readers: `read_document` (PDF, HWP, HWPX, TXT, MD) and `read_table` (CSV, TSV, XLSX, JSON).  # 파일 읽기

`reader_for(path)` decides the format by content first (magic bytes), then by suffix, so a
renamed file is still read correctly and a disguised one is refused with a clear reason.
Every failure is a typed `BadInputFile` (or `ProtectedDocument` / `UnsupportedFormat`) naming the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from assistant.errors import BadInputFile, UnsupportedFormat
from ingest.document import Document, Table
from ingest.readers.limits import ZIP_ERRORS, Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_SUFFIXES = {".pdf": "pdf", ".hwp": "hwp", ".hwpx": "hwpx", ".txt": "txt", ".md": "md",
                     ".markdown": "md"}
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".xml": "xml"}
SUPPORTED_SUFFIXES = frozenset(DOCUMENT_SUFFIXES) | frozenset(TABLE_SUFFIXES)


class ReaderChoice(NamedTuple):
    format: str       # "pdf" | "hwp" | "hwpx" | "txt" | "md" | "csv" | "tsv" | "xlsx" | "json"
    kind: str         # "document" | "table"
    read: Callable    # read(path, limits=None) -> Document | Table


def _unsupported(path: Path, what: str) -> UnsupportedFormat:
    return UnsupportedFormat(path, f"지원하지 않는 형식입니다: {what}", f"unsupported format: {what}")


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                mime = zf.read("mimetype")[:100].decode("ascii", "replace").strip() if info.file_size < 200 else ""
                if "hwp" in mime:
                    return "hwpx"
            if any(n.startswith("Contents/section") for n in names):
                return "hwpx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names:
                raise _unsupported(path, "DOCX(워드) 문서 — HWPX/PDF/TXT로 저장해 넣어 주세요")
    except ZIP_ERRORS as exc:
        raise BadInputFile(path, f"압축(zip) 구조가 손상되었습니다: {exc}", f"corrupt zip container: {exc}") from exc
    raise _unsupported(path, "알 수 없는 zip 압축 파일")


def _sniff(path: Path) -> str | None:
    """Format from the first bytes; None when the content is plain text (suffix decides)."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise BadInputFile(path, "빈 파일입니다(0바이트).", "empty file (0 bytes)")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        if path.suffix.lower() in (".xls", ".doc", ".ppt"):
            raise _unsupported(path, f"구형 오피스 파일({path.suffix}) — XLSX/PDF로 저장해 넣어 주세요")
        return "hwp"  # the HWP reader checks for the FileHeader stream and refuses other OLE files
    if head.startswith(b"HWP Document File"):
        raise _unsupported(path, "HWP 3.x 이하 구형 한글 문서 — 한글에서 HWP 5 이상 또는 HWPX로 저장해 주세요")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
        raise _unsupported(path, "이미지 또는 압축 파일")
    return None


def _reader(fmt: str) -> ReaderChoice:
    read: Callable[..., Any]
    if fmt == "pdf":
        from ingest.readers.pdf import read_pdf as read
    elif fmt == "hwp":
        from ingest.readers.hwp import read_hwp as read
    elif fmt == "hwpx":
        from ingest.readers.hwpx import read_hwpx as read
    elif fmt in ("txt", "md"):
        from ingest.readers.text import read_text_document as read
    elif fmt in ("csv", "tsv"):
        from ingest.readers.tables import read_csv as read
    elif fmt == "xlsx":
        from ingest.readers.tables import read_xlsx as read
    elif fmt == "json":
        from ingest.readers.jsondata import read_json as read
    elif fmt == "xml":
        from ingest.readers.xmldata import read_xml as read
    else:  # pragma: no cover
        raise ValueError(fmt)
    kind = "table" if fmt in ("csv", "tsv", "xlsx", "json", "xml") else "document"
    return ReaderChoice(fmt, kind, read)


def reader_for(path: Path | str) -> ReaderChoice:
    """Which reader handles `path`: content sniffing (magic bytes) first, then the suffix."""
    path = Path(path)
    if "\x00" in str(path):
        raise BadInputFile(str(path).replace("\x00", "\\0"), "파일 이름에 NUL 문자가 있습니다.", "NUL character in file name")
    try:
        is_file = path.is_file()
    except (OSError, ValueError):
        is_file = False
    if not is_file:
        raise BadInputFile(path, "파일이 없거나 일반 파일이 아닙니다.", "not a regular file")
    try:
        fmt = _sniff(path)
    except OSError as exc:
        raise BadInputFile(path, f"파일을 열 수 없습니다({exc.strerror or exc}).", f"cannot open the file: {exc}") from exc
    if fmt is None:
        suffix = path.suffix.lower()
        fmt = DOCUMENT_SUFFIXES.get(suffix) or TABLE_SUFFIXES.get(suffix)
        if fmt in ("pdf", "hwp", "hwpx", "xlsx"):
            raise BadInputFile(path, f"확장자는 {suffix}이지만 내용이 그 형식이 아닙니다(손상되었거나 잘못된 파일).",
                               f"the suffix says {suffix} but the content is not that format (corrupt or mislabelled)")
        if fmt is None:
            raise _unsupported(path, f"확장자 '{path.suffix}'")
    return _reader(fmt)


def read_document(path: Path | str, limits: Limits | None = None) -> Document:
    """Read a prose document (.pdf .hwp .hwpx .txt .md)."""
    path = Path(path)
    choice = reader_for(path)
    if choice.kind != "document":
        raise _unsupported(path, f"{choice.format}는 표 형식입니다(read_table 사용)")
    return choice.read(path, limits)


def read_table(path: Path | str, limits: Limits | None = None) -> Table:
    """Read a table (.csv .tsv .xlsx .json .xml)."""
    path = Path(path)
    choice = reader_for(path)
    if choice.kind != "table":
        raise _unsupported(path, f"{choice.format}는 문서 형식입니다(read_document 사용)")
    return choice.read(path, limits)


__all__ = ["ReaderChoice", "SUPPORTED_SUFFIXES", "reader_for", "read_document", "read_table", "Limits"]
