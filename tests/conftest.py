"""Shared test fixtures. Tests never touch the network and never download a model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
CORPORA = ROOT / "corpora"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty assistant home (data directory)."""
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """Real Hancom HWP/HWPX files beside the project; skipped in a checkout that lacks them."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"../shared/fixtures not present ({SHARED_FIXTURES}): real HWP/HWPX reader tests skipped")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def corpora() -> Path:
    return CORPORA
