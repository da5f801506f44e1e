"""Uploaded files (올린 파일): size-limited, type-checked by their first bytes (not their name),
copied under `<home>/uploads` with a generated name. No user-controlled path is ever opened
for writing, and the audit log gets the file's sha256, not its contents.

>>> sniff(b"%PDF-1.7 ...", ".pdf")
'pdf'
>>> safe_stem("../../etc/passwd\\x00.pdf")
'etc_passwd.pdf'
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import BadInputFile

# extension -> content family the first bytes must show
DOCUMENT_TYPES = {
    ".pdf": "pdf", ".hwp": "ole", ".hwpx": "zip", ".xlsx": "zip",
    ".txt": "text", ".md": "text", ".csv": "text", ".tsv": "text", ".json": "text",
}
IMAGE_TYPES = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".heic": "heic", ".heif": "heic"}


def sniff(head: bytes, ext: str = "") -> str | None:
    """The content family of a file from its first bytes, or None when unrecognised."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # HWP 5 (and old Office) compound file
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
        return "heic"
    if head and b"\x00" not in head:
        for enc in ("utf-8", "cp949"):
            try:
                head.decode(enc)
                return "text"
            except UnicodeDecodeError as exc:
                if exc.start >= len(head) - 4 and enc == "utf-8":  # a multibyte char cut by the sniff window
                    return "text"
    return None


def safe_stem(name: str, max_len: int = 60) -> str:
    """A harmless file name fragment: no directories, NUL, control or shell characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\x00", "")
    name = re.sub(r"[^\w.\-가-힣]+", "_", name).strip("._")
    name = re.sub(r"\.{2,}", ".", name)
    return (name or "file")[:max_len]


@dataclass(frozen=True)
class StoredUpload:
    original: str
    path: Path
    sha256: str
    size: int
    family: str


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_upload(path: Path, original: str, allowed: dict[str, str], max_bytes: int) -> str:
    """Raise BadInputFile unless the file is non-empty, within the size limit, and its bytes match its type."""
    ext = Path(original).suffix.lower()
    if ext not in allowed:
        raise BadInputFile(original, f"지원하지 않는 파일 형식입니다 ({ext or '확장자 없음'})",
                           f"unsupported file type ({ext or 'no extension'})")
    size = path.stat().st_size
    if size == 0:
        raise BadInputFile(original, "빈 파일입니다", "empty file")
    if size > max_bytes:
        raise BadInputFile(original, f"파일이 너무 큽니다 ({size // (1 << 20)} MB > {max_bytes // (1 << 20)} MB)",
                           f"file too large ({size // (1 << 20)} MB > {max_bytes // (1 << 20)} MB)")
    with open(path, "rb") as f:
        head = f.read(8192)
    family = sniff(head, ext)
    if family != allowed[ext]:
        raise BadInputFile(original, f"파일 내용이 {ext} 형식이 아닙니다 (내용: {family or '알 수 없음'})",
                           f"content is not {ext} (looks like: {family or 'unknown'})")
    return family


def store_upload(home: Path, path: Path, original: str, max_bytes: int) -> StoredUpload:
    """Check a document upload and copy it to `<home>/uploads/<random>_<safe name>`."""
    family = check_upload(path, original, DOCUMENT_TYPES, max_bytes)
    target_dir = Path(home) / "uploads"
    target_dir.mkdir(parents=True, exist_ok=True)
    ext = Path(original).suffix.lower()
    stem = safe_stem(Path(original).stem, 60)
    target = target_dir / f"{uuid.uuid4().hex[:12]}_{stem}{ext}"
    shutil.copyfile(path, target)
    return StoredUpload(original, target, sha256_file(target), target.stat().st_size, family)
