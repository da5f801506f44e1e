"""Held-out style label photos and questions (QA), run through the real CLI in-process.

Labels are drawn with PIL from a hazard list the test writes in EUC-KR (plus the committed
blocked-ingredient sample): a listed product name, "Sibutramine HCl" (salt form), a UPC-A
barcode whose list entry is the 13-digit form, a phone photo rotated via EXIF, and a clean
product that must come back as "목록에 없음", never "safe". Questions: a 제N조의2 article and an
off-topic question that must answer 근거를 찾지 못했습니다.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

HAZARD_ROWS = [
    ["순번", "제품명(영문)", "제조사", "제조국", "검출성분", "바코드번호", "등록일자"],
    ["1", "QA Slim Queen Capsule 샘플", "QA Herbal Co.", "태국", "시부트라민, 페놀프탈레인", "8851234567890", "2023-05-02"],
    ["2", "QA Tiger Power Max 샘플", "QA Energy Ltd", "미국", "1,3-디메틸아밀아민", "0012345678905", "2022-11-15"],
]

STATUTE = """해외직구물품 안전관리법(샘플)
※ QA 시험용 샘플입니다.
제1장 총칙
제1조(목적) 이 법은 해외에서 직접 구매한 물품의 안전을 관리하여 소비자를 보호함을 목적으로 한다.
제3조(국가의 책무) ① 국가는 해외직구물품으로 인한 위해를 예방하기 위한 시책을 마련하여야 한다.
제3조의2(정보시스템의 구축) ① 관세청장은 위해물품 정보를 통관 단계에서 조회할 수 있는 정보시스템을 구축ㆍ운영할 수 있다.
[본조신설 2019. 1. 1.]
제4조(통관 보류) ① 세관장은 해외직구물품이 위해물품에 해당한다고 의심되는 경우에는 그 통관을 보류할 수 있다.
"""


@pytest.fixture(scope="module")
def qa_home(tmp_path_factory, corpora):
    from ingest.cli import main

    src = tmp_path_factory.mktemp("qa_src")
    with open(src / "위해식품목록_euckr.csv", "w", encoding="euc-kr", newline="") as f:
        csv.writer(f).writerows(HAZARD_ROWS)
    (src / "해외직구물품_안전관리법_샘플.txt").write_text(STATUTE, encoding="utf-8")
    shutil.copy(corpora / "hazard_lists" / "blocked_ingredients_sample.json", src / "blocked_ingredients_sample.json")
    home = tmp_path_factory.mktemp("qa_home")
    assert main(["--home", str(home), "--quiet", str(src)]) == 0
    return home


def _label(path: Path, lines: list[str], barcode: tuple[str, str] | None = None, exif_orientation: int = 1) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1200, 900), "white")
    draw = ImageDraw.Draw(img)
    y = 60
    for i, text in enumerate(lines):
        size = 60 if i == 0 else 40
        draw.text((60, y), text, fill="black", font=ImageFont.truetype(str(FONT), size, index=1))
        y += int(size * 1.6)
    if barcode:
        zxingcpp = pytest.importorskip("zxingcpp")
        import numpy as np

        fmt = getattr(zxingcpp.BarcodeFormat, barcode[1])
        code = zxingcpp.create_barcode(barcode[0], fmt)
        img.paste(Image.fromarray(np.array(zxingcpp.write_barcode_to_image(code, scale=4))).convert("RGB"), (100, 400))
    if exif_orientation == 6:  # stored rotated, the camera says "rotate 90° clockwise to view"
        img = img.rotate(90, expand=True)
        exif = Image.Exif()
        exif[0x0112] = 6
        img.save(path, quality=90, exif=exif.tobytes())
    else:
        img.save(path, quality=90)
    return path


def test_label_photos_verdicts(qa_home, tmp_path, capsys):
    if not shutil.which("tesseract") or not FONT.exists():
        pytest.skip("tesseract or Noto CJK font missing")
    from assistant.cli import main

    photos = {
        "name": _label(tmp_path / "name.jpg", ["QA Slim Queen Capsule 샘플", "Herbal diet supplement"]),
        "salt": _label(tmp_path / "salt.jpg", ["FAT BURN X (QA)", "Ingredients: Green tea extract,",
                                               "Sibutramine HCl 15mg, Caffeine"]),
        "upca": _label(tmp_path / "upca.jpg", ["Power Max (QA)"], barcode=("012345678905", "UPCA")),
        "exif": _label(tmp_path / "exif.jpg", ["QA Slim Queen Capsule 샘플", "60 capsules"], exif_orientation=6),
        "clean": _label(tmp_path / "clean.jpg", ["QA Vitamin C 1000mg", "Ingredients: Ascorbic acid,",
                                                 "Rose hips, Cellulose"]),
    }
    capsys.readouterr()
    assert main(["--home", str(qa_home), "check-label", "--json", *map(str, photos.values())]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    by_file = {Path(d["file"]).stem: d for d in lines}
    assert by_file["name"]["verdict"] == "hazard"
    assert any(m.get("source") == "위해식품목록_euckr.csv" for m in by_file["name"]["matches"])
    assert by_file["salt"]["verdict"] == "hazard"
    assert any(m.get("canonical") == "시부트라민" for m in by_file["salt"]["matches"])
    assert by_file["upca"]["verdict"] == "hazard"
    assert "0012345678905" in by_file["upca"]["barcodes"]
    assert by_file["exif"]["verdict"] == "hazard"
    clean = by_file["clean"]
    assert clean["verdict"] == "no_match" and clean["matches"] == []
    assert clean["message"].startswith("목록에 없음")
    assert "안전" not in clean["message"]


def test_ask_cites_branch_article_and_refuses_off_topic(qa_home, capsys):
    from assistant.cli import main

    capsys.readouterr()
    assert main(["--home", str(qa_home), "ask", "--json", "관세청이 위해물품 조회 정보시스템 만들 수 있다는 근거 조문이 뭐야?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["grounded"]
    assert answer["citations"][0]["locator"] == "제3조의2"
    assert "해외직구물품 안전관리법(샘플)" in answer["answer"]

    assert main(["--home", str(qa_home), "ask", "--json", "세관 구내식당 오늘 점심 메뉴 알려줘"]) == 0
    off = json.loads(capsys.readouterr().out)
    assert not off["grounded"] and off["citations"] == []
    assert off["answer"].startswith("근거를 찾지 못했습니다")
