"""Builders for reader tests: real PDFs (fpdf2 / headless Chromium), zip bombs, fixture lists."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

SHARED_FIXTURES_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


def make_text_pdf(path: Path, pages: list[str]) -> Path:
    """A text PDF written by fpdf2 (a program other than ours), one string per page."""
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip(f"Korean font {FONT} not installed (fonts-nanum)")
    pdf = fpdf.FPDF()
    pdf.add_font("nanum", fname=str(FONT))
    pdf.set_font("nanum", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def chromium_pdf(html: str, tmp_path: Path) -> Path:
    """Print `html` to PDF with Debian's headless Chromium (skips when it is not installed)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium not installed: browser-printed PDF test skipped")
    src = tmp_path / "page.html"
    src.write_text(html, encoding="utf-8")
    out = tmp_path / "printed.pdf"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
           f"--print-to-pdf={out}", src.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    if not out.exists() or out.stat().st_size == 0:
        pytest.skip("chromium could not print a PDF in this environment")
    return out


def zip_bomb(path: Path, members: dict[str, bytes], bomb_member: str, size_mb: int = 64) -> Path:
    """A valid-looking container whose `bomb_member` is `size_mb` MB of zeros compressed to ~KB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        chunk = b"\0" * (1024 * 1024)
        with zf.open(bomb_member, "w", force_zip64=True) as fh:
            for _ in range(size_mb):
                fh.write(chunk)
    return path


def hwp_fixtures(shared: Path) -> list[Path]:
    return sorted((shared / "hwp").glob("*.hwp"))


def hwpx_fixtures(shared: Path) -> list[Path]:
    return sorted((shared / "hwpx").glob("*.hwpx"))
