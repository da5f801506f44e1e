"""Print the benchmark's PDF regulations from their HTML sources with headless Chromium (벤치마크용 PDF 생성).

    .venv/bin/python bench/corpora/build.py            # every sources/*.html -> regulations/<same stem>.pdf
    .venv/bin/python bench/corpora/build.py --check    # only report which PDFs are missing or older than their source

The HTML files in sources/ are the documents' source of record (written by us, marked 샘플); the PDFs in
regulations/ are what an office would have: a page printed from a browser. Chromium's default print header
(date, time, page title) and footer (file URL, "n/m") are kept on purpose, because real printed notices carry
them and the ingest readers must strip them.

Deliberate simplifications: the PDFs are not byte-reproducible (Chromium stamps the print time in the header
and the creation date in the metadata); the text content is. Needs Debian `chromium` and `fonts-nanum`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUT = HERE / "regulations"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    sys.exit("chromium를 찾을 수 없습니다: `apt-get install chromium fonts-nanum` 후 다시 실행하세요 "
             "(chromium not found)")


def print_pdf(browser: str, html: Path, pdf: Path) -> None:
    """One HTML file -> one PDF. The HTML is copied to a short temp path first, so the footer URL is an
    ordinary local file URL and not this checkout's location."""
    with tempfile.TemporaryDirectory(prefix="print-") as tmp, tempfile.TemporaryDirectory(prefix="profile-") as profile:
        copy = Path(tmp) / html.name
        shutil.copyfile(html, copy)
        out = Path(tmp) / "out.pdf"
        cmd = [browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", copy.as_uri()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if res.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            sys.exit(f"{html.name}: PDF 인쇄에 실패했습니다 (chromium exit {res.returncode})\n{res.stderr[-800:]}")
        shutil.move(str(out), pdf)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="report stale or missing PDFs, print nothing")
    args = p.parse_args(argv)
    sources = sorted(SOURCES.glob("*.html"))
    if args.check:
        stale = [s.name for s in sources
                 if not (OUT / f"{s.stem}.pdf").exists() or (OUT / f"{s.stem}.pdf").stat().st_mtime < s.stat().st_mtime]
        print("\n".join(stale) or "all PDFs are newer than their sources")
        return 1 if stale else 0
    browser = chromium()
    OUT.mkdir(parents=True, exist_ok=True)
    for html in sources:
        pdf = OUT / f"{html.stem}.pdf"
        print_pdf(browser, html, pdf)
        print(f"{html.name} -> {pdf.relative_to(HERE)} ({pdf.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
