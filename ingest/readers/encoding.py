"""Text decoding with encoding detection: BOMs, UTF-8, CP949/EUC-KR, then charset-normalizer.  # 인코딩 판별

Binary garbage (NUL bytes, many control characters) is refused rather than decoded into mojibake.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from assistant.errors import BadInputFile

SAMPLE_BYTES = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


def _decodes(data: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if controls / len(text) > 0.01:
        return True
    # U+FFFD or private-use heavy text means the guess was wrong
    odd = sum(1 for ch in text if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
    return odd / len(text) > 0.01


def detect_encoding(data: bytes, path: Path | str, *, complete: bool) -> str:
    """Encoding name for `data` (the whole file when `complete`, else its first bytes)."""
    if not data:
        raise BadInputFile(path, "빈 파일입니다(0바이트).", "empty file (0 bytes)")
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _decodes(data, name, complete)
            if text is not None and not _looks_binary(text):
                return name
    for name in ("utf-8", "cp949"):
        text = _decodes(data, name, complete)
        if text is not None:
            if _looks_binary(text):
                break
            return name
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:SAMPLE_BYTES]).best()
    except Exception:  # noqa: BLE001 - a detector failure is just "unknown encoding"
        best = None
    if best is not None and best.encoding:
        text = _decodes(data, best.encoding, complete)
        if text is not None and not _looks_binary(text) and best.chaos < 0.3:
            return best.encoding
    raise BadInputFile(
        path,
        "텍스트 인코딩을 알 수 없거나 텍스트 파일이 아닙니다(UTF-8, CP949/EUC-KR, UTF-16 아님).",
        "unknown text encoding or not a text file (not UTF-8, CP949/EUC-KR or UTF-16)",
    )


def read_text(path: Path, max_bytes: int) -> tuple[str, str]:
    """Whole file as text: (text, encoding). The encoding is judged on a sample, then the whole
    file must decode strictly with it."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BadInputFile(path, f"파일이 너무 큽니다({size:,}바이트, 한도 {max_bytes:,}).",
                           f"file too large ({size:,} bytes, limit {max_bytes:,})")
    encoding = sniff_file_encoding(path)
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadInputFile(path, f"파일 중간에 {encoding} 인코딩이 아닌 바이트가 있습니다(위치 {exc.start:,}).",
                           f"bytes that are not {encoding} at offset {exc.start:,}") from exc
    if "\x00" in text:
        raise BadInputFile(path, "텍스트 파일이 아닙니다(NUL 바이트 포함).", "not a text file (contains NUL bytes)")
    return text.lstrip("\ufeff"), encoding


def sniff_file_encoding(path: Path) -> str:
    """Encoding from the first bytes of a (possibly huge) file, for streaming readers."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES + 1)
        if len(head) > SAMPLE_BYTES and head.isascii():
            # ASCII so far says nothing: find the first non-ASCII stretch and detect on it
            while chunk := fh.read(4 * 1024 * 1024):
                if not chunk.isascii():
                    first = next(i for i, b in enumerate(chunk) if b >= 0x80)
                    start = chunk.rfind(b"\n", 0, first) + 1
                    return detect_encoding(chunk[start: start + SAMPLE_BYTES], path, complete=False)
            return "utf-8"
    return detect_encoding(head[:SAMPLE_BYTES], path, complete=len(head) <= SAMPLE_BYTES)
