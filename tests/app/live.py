"""A live app for browser and load tests: a small real home (python -m ingest on a few sample
corpora files) when the ingest pipeline is present, else the fakes; served on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / "corpora"
SAMPLE_FILES = [
    "regulations/관세법_샘플.txt",
    "regulations/수입식품안전관리_특별법_샘플.txt",
    "regulations/수입식품안전관리_특별법_시행규칙_샘플.txt",
    "regulations/수입통관_사무처리에_관한_고시_샘플.pdf",
    "regulations/보세화물_관리에_관한_고시_샘플.md",
    "audit_findings/findings_sample_2018_2025.csv",
    "hazard_lists/blocked_ingredients_sample.json",
    "hazard_lists/i2715_page1_sample.json",
]
FONT = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"


def build_real_home(home: Path) -> bool:
    """Index the sample files into `home`; False when the ingest pipeline is not available."""
    files = [str(CORPORA / f) for f in SAMPLE_FILES if (CORPORA / f).exists()]
    if not files:
        return False
    proc = subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "--quiet", *files],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    return proc.returncode == 0 and (home / "index.sqlite").exists()


def live_services(home: Path, real: bool):
    """Services over `home` (the real ones when it was indexed, else the fakes) with the test users."""
    from app_helpers import PASSWORDS, ROLES

    if real:
        from assistant.services import Services
        from assistant.settings import load_settings

        services = Services(load_settings(home), label_processes=True)  # as app.py serves it
    else:
        from app_fakes import make_services

        services = make_services(home)
    for name, role in ROLES.items():
        services.users.add(name, role, PASSWORDS[name])
    return services


def label_photo(path: Path, lines: list[str], size: tuple[int, int] = (900, 460)) -> Path:
    """A clean, phone-like label photo with the given text lines."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 54) if Path(FONT).exists() else ImageFont.load_default()
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 95), line, font=font, fill="black")
    img.save(path, quality=92)
    return path


HAZARD_LINES = ["SLIM FIT PLUS", "Ingredients:", "Sibutramine HCl 15mg", "원재료명: 시부트라민"]
CLEAN_LINES = ["Golden Bee Honey", "Ingredients: honey 100%"]
