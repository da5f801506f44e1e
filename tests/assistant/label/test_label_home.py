"""The label check against a real home (python -m ingest in the test): the legal basis follows a
re-ingested regulation without a restart, the verdict cache is dropped when the lists change, every
verdict names its list entry, the entry's date, the lists' date and its articles, and `--group` checks a
front and a back photo as one product."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont
from test_label_barcode import draw_ean13

from assistant.label.ocr import FakeOCR

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
CUSTOMS = """관세법(샘플)
※ 시험용 샘플입니다.
제1장 통칙
제1조(목적) 이 법은 관세의 부과와 징수를 정한다.
제237조(통관의 보류) ① 세관장은 국민 보건을 해칠 우려가 있는 물품의 통관을 보류할 수 있다. {extra}
"""
FOOD = """수입식품안전관리 특별법(샘플)
※ 시험용 샘플입니다.
제25조의3(위해식품 등의 국내 반입 차단) ① 식품의약품안전처장은 위해 원료·성분이 들어 있는 해외직구 식품의 국내 반입을 차단할 수 있다.
"""
HEADERS = ["순번", "제품명", "제조사", "제조국", "검출성분", "바코드", "등록일"]


def ingest(home, *paths):
    from ingest.cli import main

    assert main(["--home", str(home), "--quiet", *map(str, paths)]) == 0


def write_list(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADERS, *rows])


@pytest.fixture()
def home(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "관세법_샘플.txt").write_text(CUSTOMS.format(extra=""), encoding="utf-8")
    (src / "수입식품안전관리_특별법_샘플.txt").write_text(FOOD, encoding="utf-8")
    write_list(src / "위해식품_목록_샘플.csv",
               [["1", "Golden Bee Slim Tea", "Golden Bee Co., Ltd.", "중국", "시부트라민", "8801234567893", "2023-01-05"]])
    h = tmp_path / "home"
    ingest(h, src)
    return h, src


def photo(path, lines, barcode=None):
    img = Image.new("RGB", (1000, 520), "white")
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        d.text((40, 40 + 80 * i), line, font=ImageFont.truetype(FONT, 46), fill="black")
    if barcode:
        img.paste(draw_ean13(barcode).convert("RGB"), (520, 300))
    img.save(path)
    return path


def test_legal_basis_and_cache_follow_a_reingest_without_restart(home, tmp_path):
    from assistant.label.checker import build_label_checker
    from assistant.settings import load_settings

    h, src = home
    checker = build_label_checker(load_settings(h))
    checker.ocr = FakeOCR(["Golden Bee Slim Tea", "Manufacturer: Golden Bee Co., Ltd."])
    shot = photo(tmp_path / "a.png", ["front"])
    first = checker.check([shot]).to_json()
    assert first["verdict"] == "hazard" and first["path"] == "ocr"
    articles = first["grounds"]["articles"]
    assert "관세법(샘플) 제237조" in articles and any("제25조의3" in a for a in articles)
    assert first["grounds"]["entry"]["date"] == "2023-01-05" and first["grounds"]["as_of"] == "2023-01-05"
    basis_237 = next(b for b in first["legal_basis"] if b["locator"].startswith("제237조"))
    assert "개정 문장" not in basis_237["text"] and basis_237["article"] == "관세법(샘플) 제237조"
    assert checker.check([shot]).path == "cache"

    # the regulation is amended and re-ingested while the checker lives on
    (src / "관세법_샘플.txt").write_text(CUSTOMS.format(extra="이 항은 개정 문장으로 바뀌었다."), encoding="utf-8")
    ingest(h, src)
    again = checker.check([shot]).to_json()
    assert again["path"] == "ocr"  # the index generation moved: the cached verdict is not reused
    basis_237 = next(b for b in again["legal_basis"] if b["locator"].startswith("제237조"))
    assert "개정 문장" in basis_237["text"]

    # a new list entry: the same photo now also names it
    write_list(src / "위해식품_목록_추가_샘플.csv",
               [["2", "Golden Bee Slim Tea", "Golden Bee Co., Ltd.", "중국", "시부트라민, 페놀프탈레인", "", "2024-03-09"]])
    ingest(h, src)
    newest = checker.check([shot]).to_json()
    assert newest["path"] == "ocr" and newest["as_of"] == "2024-03-09"
    assert len([m for m in newest["matches"] if m["kind"] == "product"]) == 2


@needs_tesseract
def test_cli_group_checks_front_and_back_as_one_product_and_names_its_grounds(home, tmp_path, capsys):
    from assistant.cli import main

    h, _ = home
    front = photo(tmp_path / "front.jpg", ["Premium Herbal", "60 capsules"])
    back = photo(tmp_path / "back.jpg", ["Ingredients: green tea, fiber", "Net 60 caps"], barcode="8801234567893")
    assert main(["--home", str(h), "check-label", "--json", "--group", str(front), str(back)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 1
    res = lines[0]
    assert res["files"] == [str(front), str(back)] and res["verdict"] == "hazard" and res["path"] == "barcode"
    assert res["grounds"]["entry"]["locator"].endswith("1") or res["grounds"]["entry"]["name"] == "Golden Bee Slim Tea"
    assert res["grounds"]["entry"]["date"] == "2023-01-05" and "관세법(샘플) 제237조" in res["grounds"]["articles"]
    assert res["matches"][0]["entry_date"] == "2023-01-05"
    # without --group: one line per photo, and the front alone is not a hit
    assert main(["--home", str(h), "check-label", "--json", str(front), str(back)]) == 0
    single = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [r["verdict"] for r in single] == ["no_match", "hazard"]
    assert single[0]["grounds"]["entry"] is None and single[0]["message"].startswith("목록에 없음 (기준일 2023-01-05)")
