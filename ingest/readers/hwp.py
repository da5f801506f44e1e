"""HWP 5 reader (binary OLE) on `olefile` (BSD) + zlib — written from the public Hancom HWP 5.0
format description, no AGPL code.  # 한글(HWP)

What it reads: BodyText/SectionN record streams; paragraph text (HWPTAG_PARA_TEXT) with control
characters removed (inline/extended controls occupy 8 UTF-16 units and are skipped whole, so no
garbage appears); tables (HWPTAG_CTRL_HEADER 'tbl ' + cell LIST_HEADERs with row/col address)
become one `table_row` Block per row. Footnotes/endnotes (각주/미주) and text boxes (글상자) are kept
in place; headers/footers (머리말/꼬리말) are skipped from the blocks (they repeat on every page)
and kept in `meta["headers_footers"]`.
Deliberate simplifications: automatic paragraph numbers (문단 번호/글머리표, stored in DocInfo)
are not rendered; page numbers are unknown (HWP stores no page breaks reliably) so `page` is None.
Refused: password-encrypted and distribution (배포용) documents → ProtectedDocument.
"""

from __future__ import annotations

import re
import struct
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import BadInputFile, ProtectedDocument, UnsupportedFormat
from ingest.document import Block, Document
from ingest.readers._common import clean_line, guess_title
from ingest.readers.limits import Limits, current

HWPTAG_BEGIN = 0x10
TAG_PARA_TEXT = HWPTAG_BEGIN + 51       # 67
TAG_CTRL_HEADER = HWPTAG_BEGIN + 55     # 71
TAG_LIST_HEADER = HWPTAG_BEGIN + 56     # 72
TAG_TABLE = HWPTAG_BEGIN + 61           # 77

FLAG_COMPRESSED, FLAG_PASSWORD, FLAG_DISTRIBUTION, FLAG_DRM = 0x1, 0x2, 0x4, 0x10
# control characters inside PARA_TEXT: "char" controls take 1 unit, inline/extended take 8
_CHAR_CONTROLS = {0: "", 10: "\n", 13: "", 24: "-", 25: "", 26: "", 27: "", 28: "", 29: "", 30: " ", 31: " "}
_INLINE_TEXT = {9: "\t"}
_FURNITURE = {"head", "foot"}


def decode_para_text(payload: bytes) -> str:
    """UTF-16LE paragraph text without control characters."""
    units = array("H")
    units.frombytes(payload[: len(payload) // 2 * 2])
    if struct.pack("=H", 1) != struct.pack("<H", 1):  # pragma: no cover - big-endian hosts
        units.byteswap()
    out = array("H")
    i, n = 0, len(units)
    while i < n:
        c = units[i]
        if c >= 32:
            out.append(c)
            i += 1
        elif c in _CHAR_CONTROLS:
            out.extend(ord(ch) for ch in _CHAR_CONTROLS[c])
            i += 1
        else:  # inline (4-9, 19, 20) and extended (1-3, 11, 12, 14-18, 21-23) controls: 8 units
            out.extend(ord(ch) for ch in _INLINE_TEXT.get(c, ""))
            i += 8
    return out.tobytes().decode("utf-16-le", errors="replace").replace("\ufffd", "")


def iter_records(data: bytes):
    """(tag, level, payload) for each record of a BodyText stream."""
    pos, n = 0, len(data)
    while pos + 4 <= n:
        (header,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, (header >> 20) & 0xFFF
        if size == 0xFFF:
            if pos + 4 > n:
                return
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        yield tag, level, data[pos: pos + size]
        pos += size


@dataclass
class _Frame:
    level: int
    ctrl: str
    cells: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    cell: tuple[int, int] = (0, 0)
    seen_table: bool = False


class _SectionParser:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.furniture: list[str] = []
        self.stack: list[_Frame] = []

    def _emit(self, text: str, kind: str = "paragraph", depth: int | None = None) -> None:
        """Send text to the innermost table cell / header-footer / the document."""
        frames = self.stack[:depth] if depth is not None else self.stack
        for frame in reversed(frames):
            if frame.ctrl == "tbl " and frame.seen_table:
                frame.cells.setdefault(frame.cell, []).append(text.replace("\n", " "))
                return
            if frame.ctrl in _FURNITURE:
                self.furniture.append(text)
                return
        self.blocks.append(Block(text, kind=kind))

    def _pop(self) -> None:
        frame = self.stack.pop()
        if frame.ctrl == "tbl " and frame.cells:
            rows: dict[int, list[tuple[int, str]]] = {}
            for (row, col), texts in frame.cells.items():
                rows.setdefault(row, []).append((col, " ".join(t for t in texts if t)))
            for row in sorted(rows):
                cells = [t for _, t in sorted(rows[row])]
                if any(cells):
                    self._emit(" | ".join(cells), kind="table_row")

    def feed(self, tag: int, level: int, payload: bytes) -> None:
        while self.stack and level <= self.stack[-1].level:
            self._pop()
        if tag == TAG_CTRL_HEADER:
            ctrl = payload[:4][::-1].decode("latin-1") if len(payload) >= 4 else ""
            self.stack.append(_Frame(level, ctrl))
        elif tag == TAG_TABLE and self.stack and self.stack[-1].ctrl == "tbl ":
            self.stack[-1].seen_table = True
        elif tag == TAG_LIST_HEADER and self.stack and self.stack[-1].ctrl == "tbl " and len(payload) >= 12:
            col, row = struct.unpack_from("<HH", payload, 8)
            self.stack[-1].cell = (row, col)
        elif tag == TAG_PARA_TEXT:
            text = clean_line(decode_para_text(payload))
            if text:
                self._emit(text)

    def close(self) -> None:
        while self.stack:
            self._pop()


def _section_names(ole) -> list[list[str]]:
    found = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText" and (m := re.fullmatch(r"Section(\d+)", entry[1])):
            found.append((int(m.group(1)), entry))
    return [e for _, e in sorted(found)]


def read_hwp(path: Path, limits: Limits | None = None) -> Document:
    import olefile

    lim = current(limits)
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # noqa: BLE001 - olefile raises many types on hostile input; all mean "corrupt"
        raise BadInputFile(path, f"HWP(OLE) 구조가 손상되었습니다: {exc}", f"corrupt HWP (OLE) container: {exc}") from exc
    with ole:
        try:
            if not ole.exists("FileHeader"):
                raise UnsupportedFormat(path, "OLE 파일이지만 한글(HWP) 문서가 아닙니다(구형 오피스 파일?).",
                                        "an OLE file but not an HWP document (old Office file?)")
            header = ole.openstream("FileHeader").read(256)
            if not header.startswith(b"HWP Document File") or len(header) < 40:
                raise UnsupportedFormat(path, "한글(HWP) 5.0 문서 머리(FileHeader)가 아닙니다.", "not an HWP 5.0 FileHeader")
            (flags,) = struct.unpack_from("<I", header, 36)
            if flags & FLAG_DISTRIBUTION:
                raise ProtectedDocument(
                    path,
                    "배포용 문서(배포용 HWP)입니다. 본문이 암호화되어 있어 읽을 수 없습니다. "
                    "원본(편집 가능한) 파일이나 PDF로 넣어 주세요.",
                    "distribution-protected HWP (배포용 문서): the body text is encrypted; use the editable original or a PDF",
                )
            if flags & (FLAG_PASSWORD | FLAG_DRM):
                raise ProtectedDocument(path, "암호(또는 DRM)로 보호된 한글 문서입니다. 보호를 해제한 뒤 넣어 주세요.",
                                        "password/DRM-protected HWP; remove the protection first")
            sections = _section_names(ole)
            if not sections:
                raise BadInputFile(path, "HWP 본문(BodyText/Section)이 없습니다.", "no BodyText sections in the HWP")
            blocks: list[Block] = []
            furniture: list[str] = []
            for entry in sections:
                if ole.get_size(entry) > lim.max_hwp_stream:
                    raise BadInputFile(path, "HWP 본문 스트림이 너무 큽니다.", "HWP body stream too large")
                raw = ole.openstream(entry).read()
                data = _inflate(raw, path, lim) if flags & FLAG_COMPRESSED else raw
                parser = _SectionParser()
                for tag, level, payload in iter_records(data):
                    parser.feed(tag, level, payload)
                parser.close()
                blocks.extend(parser.blocks)
                furniture.extend(parser.furniture)
        except (BadInputFile, ProtectedDocument, UnsupportedFormat):
            raise
        except (OSError, ValueError, IndexError, struct.error, zlib.error, EOFError, OverflowError,
                TypeError, KeyError) as exc:  # olefile on a damaged directory/FAT
            raise BadInputFile(path, f"HWP 문서가 손상되었습니다: {exc}", f"corrupt HWP: {exc}") from exc
    meta = {"format": "hwp", "sections": str(len(sections))}
    if furniture:
        meta["headers_footers"] = " | ".join(dict.fromkeys(furniture))
    return Document(path=path, title=guess_title(blocks, path), blocks=blocks, meta=meta)


def _inflate(raw: bytes, path: Path, lim: Limits) -> bytes:
    """Raw-deflate a BodyText stream, bounded so a bomb cannot exhaust memory."""
    d = zlib.decompressobj(-15)
    out = d.decompress(raw, lim.max_hwp_stream)
    if d.unconsumed_tail:
        raise BadInputFile(path, f"압축 해제한 본문이 너무 큽니다(한도 {lim.max_hwp_stream:,}바이트).",
                           f"decompressed body exceeds {lim.max_hwp_stream:,} bytes")
    return out
