"""Scanned PDFs (스캔 PDF, no text layer) read by OCR: pdftoppm renders each page, Tesseract reads it.

Page by page (bounded memory and temp space): `pdftoppm -r DPI -gray -png` one page → `tesseract
page.png stdout -l kor+eng --psm PSM` with OMP_THREAD_LIMIT=1 (one core per process; the machine is
shared). At most `Limits.max_ocr_pages` pages are read. Returns None when either program is missing,
so the caller keeps its "no text layer" message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.readers.limits import Limits, current

LANGUAGES = "kor+eng"


def ocr_available() -> bool:
    return bool(shutil.which("pdftoppm") and shutil.which("tesseract"))


def _languages() -> str:
    """kor+eng when both are installed, else whichever is (a missing pack makes tesseract fail)."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return LANGUAGES
    have = {ln.strip() for ln in out.splitlines()[1:]}
    langs = [lang for lang in LANGUAGES.split("+") if lang in have]
    return "+".join(langs) or LANGUAGES


def ocr_pages(path: Path, n_pages: int, limits: Limits | None = None, pages: list[int] | None = None) -> list[str] | None:
    """Recognised text of the given page numbers (default 1..n_pages), at most max_ocr_pages of them,
    in order; "" for a page that failed. None: no OCR tools."""
    if not ocr_available():
        return None
    lim = current(limits)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    langs = _languages()
    texts: list[str] = []
    wanted = (pages if pages is not None else list(range(1, n_pages + 1)))[: lim.max_ocr_pages]
    with tempfile.TemporaryDirectory(prefix="ingest-ocr-") as tmp:
        for number in wanted:
            stem = Path(tmp) / f"p{number}"
            try:
                subprocess.run(["pdftoppm", "-r", str(lim.ocr_dpi), "-gray", "-png", "-singlefile",
                                "-f", str(number), "-l", str(number), str(path), str(stem)],
                               check=True, capture_output=True, timeout=lim.ocr_page_timeout_s)
                image = stem.with_suffix(".png")
                done = subprocess.run(["tesseract", str(image), "stdout", "-l", langs, "--psm", str(lim.ocr_psm)],
                                      check=True, capture_output=True, timeout=lim.ocr_page_timeout_s, env=env)
                texts.append(done.stdout.decode("utf-8", "replace"))
                image.unlink(missing_ok=True)
            except (OSError, subprocess.SubprocessError):
                texts.append("")
    return texts
