"""charset.py on the installed Tesseract models and on a traineddata file written in the test."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from assistant.label.charset import LSTM_UNICHARSET, installed_charset, model_charset
from assistant.label.tesseract import find_tessdata


def traineddata(path: Path, unicharset: str | None) -> Path:
    """A container with a config component and (optionally) an LSTM unicharset, laid out as Tesseract writes it."""
    parts = {0: b"tessedit_ocr_engine_mode 1\n"}
    if unicharset is not None:
        parts[LSTM_UNICHARSET] = unicharset.encode("utf-8")
    count = 24
    header = 4 + 8 * count
    offsets, body, pos = [-1] * count, b"", header
    for i in sorted(parts):
        offsets[i] = pos
        body += parts[i]
        pos += len(parts[i])
    path.write_bytes(struct.pack("<i", count) + struct.pack(f"<{count}q", *offsets) + body)
    return path


def test_the_lstm_unicharset_component_is_read(tmp_path):
    text = "5\nNULL 0 Common 0\nJoined 7 0,255 Latin 1 0 1 Joined\n酚 1 0,255 Han 3 0 3 酚\n가 1 0,255 Hangul 4 0 4 가\nA 5 0,255 Latin 5 0 5 A\n"
    assert model_charset(traineddata(tmp_path / "x.traineddata", text)) == {"酚", "가", "A"}
    assert model_charset(traineddata(tmp_path / "legacy.traineddata", None)) == frozenset()
    (tmp_path / "bad.traineddata").write_bytes(b"not a model")
    with pytest.raises(ValueError):
        model_charset(tmp_path / "bad.traineddata")


def test_installed_charset_skips_damaged_models(tmp_path):
    traineddata(tmp_path / "kor.traineddata", "2\nNULL 0 Common 0\n가 1 0,255 Hangul 1 0 1 가\n")
    (tmp_path / "eng.traineddata").write_bytes(b"\x00" * 3)
    assert installed_charset(str(tmp_path)) == {"가"}


@pytest.mark.skipif(find_tessdata() is None or shutil.which("combine_tessdata") is None,
                    reason="Tesseract models or combine_tessdata not installed")
def test_agrees_with_combine_tessdata_on_the_installed_korean_model(tmp_path):
    model = Path(find_tessdata() or "") / "kor.traineddata"
    subprocess.run(["combine_tessdata", "-e", str(model), str(tmp_path / "kor.lstm-unicharset")], check=True,
                   capture_output=True)
    lines = (tmp_path / "kor.lstm-unicharset").read_text(encoding="utf-8").splitlines()[1:]
    expected = {ln.split(" ", 1)[0] for ln in lines} - {"NULL", "Joined", "|Broken|0|1"}
    assert model_charset(model) == {c for c in expected if len(c) == 1}
    assert "가" in model_charset(model) and "팜" not in model_charset(model)  # Debian's kor: 1,112 syllables


@pytest.mark.skipif(find_tessdata() is None or shutil.which("tesseract") is None, reason="Tesseract not installed")
def test_status_lists_the_list_characters_no_installed_model_can_write(tmp_path, capsys):
    """`status --json` → ocr.unreadable: the shipped I2715 sample has product names with 캡슐, and Debian's kor
    model has no 슐; the human-readable status says so in one line."""
    import json
    import sys

    from assistant.cli import main

    root = Path(__file__).resolve().parents[3]
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q",
                    str(root / "corpora" / "hazard_lists" / "i2715_page1_sample.json")], check=True, cwd=root)
    assert main(["--home", str(home), "status", "--json"]) == 0
    unreadable = json.loads(capsys.readouterr().out)["ocr"]["unreadable"]
    readable = installed_charset()
    assert not set(unreadable["chars"]) & readable
    if "슐" not in readable:
        assert unreadable["chars"]["슐"] >= 1 and unreadable["names"] >= 1
        assert main(["--home", str(home), "status"]) == 0
        assert "슐" in capsys.readouterr().out
