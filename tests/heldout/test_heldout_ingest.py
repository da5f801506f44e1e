"""Held-out style inputs (QA): office files that differ from corpora/ the way real ones do.

Each file is written here (fictional, marked 샘플), ingested through the real CLI into one
temporary home, and the resulting records are checked: locators (제N조, 제N조의2, 부칙 제1조),
law titles and chapters, skipped 삭제 articles, list fields (ingredients split on "," "/" "및"
but not inside "1,3-디메틸아밀아민"), finding fields from a spreadsheet with a title row, and a
batch that keeps going past broken files with a non-zero exit code.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

STATUTE = """해외직구물품 안전관리법(샘플)
[시행 2021. 7. 1.] [샘플 법률 제99001호, 2020. 12. 22., 일부개정]
※ 이 문서는 QA 시험용 샘플이며 실제 법령이 아닙니다.

      제1장 총칙

제1조(목적) 이 법은 해외에서 직접 구매한 물품의 안전을 관리하여 소비자를 보호함을 목적으로 한다.
제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다. <개정 2020. 12. 22.>
1. "해외직구물품"이란 국내 소비자가 해외 판매자로부터 직접 구매하여 반입하는 물품을 말한다.
2. "위해물품"이란 다음 각 목의 어느 하나에 해당하는 물품을 말한다.
가. 식품의약품안전처장이 고시한 반입차단 성분을 함유한 물품
나. 위해식품 목록에 등재된 제품
제3조(국가의 책무) ① 국가는 해외직구물품으로 인한 위해를 예방하기 위한 시책을 마련하여야 한다.
② 관세청장은 위해물품의 반입을 차단하기 위하여 식품의약품안전처장과 정보를 공유하여야 한다. <신설 2020. 12. 22.>
제3조의2(정보시스템의 구축) ① 관세청장은 위해물품 정보를 통관 단계에서 조회할 수 있는 정보시스템을 구축ㆍ운영할 수 있다.
[본조신설 2019. 1. 1.]

      제2장 통관 단계의 안전관리

제4조(통관 보류) ① 세관장은 해외직구물품이 위해물품에 해당한다고 의심되는 경우에는 그 통관을 보류할 수 있다.
② 통관이 보류된 물품은 30일 이내에 성분 분석을 의뢰하여야 한다. <개정 2020. 12. 22.>
제7조 삭제 <2015. 12. 15.>
제8조(과태료) ① 다음 각 호의 어느 하나에 해당하는 자에게는 200만원 이하의 과태료를 부과한다.
1. 위해물품임을 알고도 구매를 대행한 자

   부칙 <제99001호, 2020. 12. 22.>
제1조(시행일) 이 법은 2021년 7월 1일부터 시행한다.
제2조(경과조치) 이 법 시행 전에 통관이 보류된 물품에 대하여는 종전의 규정에 따른다.
"""

MARKDOWN = """# 해외직구 위해식품 반입차단 운영지침(샘플)

## 제1장 총칙

### 제1절 통칙

**제1조(목적)** 이 지침은 해외직구 위해식품의 반입차단 업무 절차를 정한다.

### 제2절 판정

**제2조의2(라벨 판정)** ① 세관공무원은 라벨 사진에서 바코드, 제품명, 성분명 순서로 목록과 대조한다.
② 성분명만 일치하는 경우에는 분석을 의뢰하고 통관을 보류한다.
"""

HAZARD_ROWS = [
    ["순번", "제품명(영문)", "제조사", "제조국", "검출성분", "바코드번호", "등록일자"],
    ["1", "QA Slim Queen Capsule 샘플", "QA Herbal Co.", "태국", "시부트라민, 페놀프탈레인", "8851234567890", "2023-05-02"],
    ["2", "QA Tiger Power Max 샘플", "QA Energy Ltd", "미국", "1,3-디메틸아밀아민", "0012345678905", "2022-11-15"],
    ["3", "QA 夜王 Gold 샘플", "QA Guangzhou Health", "중국", "타다라필 및 실데나필", "", "2024-01-09"],
    ["4", "QA Dream Sleep Gummies 샘플", "QA Sleepwell Inc", "캐나다", "멜라토닌/독실아민", "", "2021-07-30"],
]


def _i2715_row(seq, name, ingredients, barcode):
    return {"SELF_IMPORT_SEQ": seq, "PRDT_NM": name, "MUFC_NM": "QA Maker", "MUFC_CNTRY_NM": "미국",
            "INGR_NM_LST": ingredients, "BARCD_CTN": barcode, "CRET_DTM": "20230101", "LAST_UPDT_DTM": "",
            "STT_YMD": "20230101", "END_YMD": "", "IMAGE_URL": ""}


def _write_inputs(folder: Path) -> None:
    (folder / "해외직구물품_안전관리법_샘플.txt").write_text(STATUTE, encoding="utf-8")
    (folder / "반입차단_운영지침_샘플.md").write_text(MARKDOWN, encoding="utf-8")
    with open(folder / "위해식품목록_euckr.csv", "w", encoding="euc-kr", newline="") as f:
        csv.writer(f).writerows(HAZARD_ROWS)
    rows = [_i2715_row("2099000001", "QA Hyper Shred 샘플", "1,3-디메틸아밀아민,카페인", "  "),
            _i2715_row("2099000002", "QA Lean Body Tea 샘플", "센노사이드/비사코딜", "6901234567892"),
            _i2715_row("2099000003", "", "", "")]
    doc = {"I2715": {"total_count": "3", "RESULT": {"MSG": "정상처리되었습니다.", "CODE": "INFO-000"}, "row": rows}}
    (folder / "i2715_odd.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "2022~2024 자체감사 지적사례 카드(샘플)"
    ws.merge_cells("A1:H1")
    ws.append(["번호", "감사연도", "감사기관", "감사대상", "제목", "내용", "처분", "관련규정"])
    ws.append([1, 2024, "관세청 감사관실", "인천세관 특송물류과", "특송 목록통관 배제 품목 미확인",
               "의약품이 든 특송화물을 목록통관 배제 여부 확인 없이 통관하였다.", "주의",
               "특송물품 수입통관 사무처리에 관한 고시 제9조"])
    ws.append([2, 2022, "서울본부세관 감사담당관실", "부산세관 휴대품검사관실", "유치물품 보관기간 경과 후 미처리",
               "유치된 여행자 휴대품을 보관기간이 지나도록 매각 또는 폐기하지 않았다.", "통보", "관세법 제206조"])
    wb.save(folder / "지적사례카드_제목행_샘플.xlsx")

    hwpx = pytest.importorskip("hwpx")
    d = hwpx.HwpxDocument.new()
    for line in ["특송화물 검사 지침(샘플)", "제1장 총칙",
                 "제1조(목적) 이 지침은 특송화물의 X-ray 검사와 개장검사 기준을 정한다.",
                 "제2조(검사 비율) ① 특송업체별 개장검사 비율은 다음 표와 같다."]:
        d.add_paragraph(line)
    table = d.add_table(3, 3)
    for r, row in enumerate([["업체 등급", "X-ray 검사", "개장검사"], ["A등급", "전량", "1%"], ["C등급", "전량", "10%"]]):
        for c, value in enumerate(row):
            table.set_cell_text(r, c, value)
    d.add_paragraph("제3조 삭제 <2022. 3. 1.>")
    d.add_paragraph("제4조(분석 의뢰) 개장검사 결과 성분이 의심되는 물품은 분석을 의뢰한다.")
    d.save_to_path(str(folder / "특송화물_검사_지침_샘플.hwpx"))

    # broken neighbours: the batch must go on past them
    (folder / "빈 파일.csv").write_bytes(b"")
    (folder / "random_bytes.csv").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook" * 20)
    (folder / "📦 직구 규정 (최종) v2.txt").write_text(STATUTE.replace("해외직구물품 안전관리법(샘플)", "이모지 파일 규정(샘플)"),
                                                   encoding="utf-8")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from ingest.cli import main

    folder = tmp_path_factory.mktemp("heldout_in")
    _write_inputs(folder)
    home = tmp_path_factory.mktemp("heldout_home")
    code = main(["--home", str(home), "--quiet", str(folder)])
    con = sqlite3.connect(home / "index.sqlite")
    rows = [(src, kind, loc, json.loads(meta), text)
            for src, kind, loc, meta, text in con.execute(
                "select source, kind, locator, metadata, text from records order by source, ordinal")]
    con.close()
    return code, rows


def _records(rows, source):
    return [(loc, meta, text) for src, _kind, loc, meta, text in rows if src == source]


def test_batch_continues_past_broken_files_and_exits_nonzero(ingested):
    code, rows = ingested
    assert code != 0
    sources = {src for src, *_ in rows}
    assert "📦 직구 규정 (최종) v2.txt" in sources
    assert {"빈 파일.csv", "random_bytes.csv", "broken.xlsx"}.isdisjoint(sources)


def test_lawgokr_statute_locators_deleted_article_and_addenda(ingested):
    recs = _records(ingested[1], "해외직구물품_안전관리법_샘플.txt")
    locators = [loc for loc, _m, _t in recs]
    assert locators == ["제1조", "제2조", "제3조", "제3조의2", "제4조", "제8조", "부칙 제1조", "부칙 제2조"]
    meta = {loc: m for loc, m, _t in recs}
    assert meta["제3조의2"]["law"] == "해외직구물품 안전관리법(샘플)"
    assert meta["제3조의2"]["article_title"] == "정보시스템의 구축"
    assert meta["제4조"]["chapter"] == "제2장 통관 단계의 안전관리"
    assert meta["제1조"]["doc_type"] == "법률"
    text = {loc: t for loc, _m, t in recs}
    assert "나. 위해식품 목록에 등재된 제품" in text["제2조"]
    assert "2021년 7월 1일" in text["부칙 제1조"]


def test_markdown_guideline_branch_articles_and_sections(ingested):
    recs = _records(ingested[1], "반입차단_운영지침_샘플.md")
    meta = {loc: m for loc, m, _t in recs}
    assert list(meta) == ["제1조", "제2조의2"]
    assert meta["제2조의2"]["chapter"] == "제1장 총칙 > 제2절 판정"
    assert meta["제2조의2"]["law"] == "해외직구 위해식품 반입차단 운영지침(샘플)"


def test_hwpx_written_by_python_hwpx_keeps_table_in_its_article(ingested):
    recs = _records(ingested[1], "특송화물_검사_지침_샘플.hwpx")
    text = {loc: t for loc, _m, t in recs}
    assert list(text) == ["제1조", "제2조", "제4조"]
    assert "C등급 | 전량 | 10%" in text["제2조"]


def test_euckr_hazard_csv_fields_and_ingredient_splitting(ingested):
    recs = _records(ingested[1], "위해식품목록_euckr.csv")
    by_product = {m["product"]: m for _loc, m, _t in recs}
    assert by_product["QA Slim Queen Capsule 샘플"]["ingredients"] == "시부트라민 | 페놀프탈레인"
    assert by_product["QA Slim Queen Capsule 샘플"]["barcode"] == "8851234567890"
    assert by_product["QA Slim Queen Capsule 샘플"]["country"] == "태국"
    assert by_product["QA Tiger Power Max 샘플"]["ingredients"] == "1,3-디메틸아밀아민"
    assert by_product["QA Tiger Power Max 샘플"]["barcode"] == "0012345678905"  # leading zero kept
    assert by_product["QA 夜王 Gold 샘플"]["ingredients"] == "타다라필 | 실데나필"
    assert by_product["QA Dream Sleep Gummies 샘플"]["ingredients"] == "멜라토닌 | 독실아민"


def test_i2715_odd_values_blank_name_skipped_and_blank_barcode_dropped(ingested):
    recs = _records(ingested[1], "i2715_odd.json")
    assert [loc for loc, _m, _t in recs] == ["SELF_IMPORT_SEQ 2099000001", "SELF_IMPORT_SEQ 2099000002"]
    first, second = recs[0][1], recs[1][1]
    assert first["ingredients"] == "1,3-디메틸아밀아민 | 카페인"
    assert not first.get("barcode")
    assert second["ingredients"] == "센노사이드 | 비사코딜"


def test_findings_xlsx_with_title_row(ingested):
    recs = _records(ingested[1], "지적사례카드_제목행_샘플.xlsx")
    assert len(recs) == 2
    first, second = recs[0][1], recs[1][1]
    assert first["year"] == 2024 and first["office"] == "인천세관 특송물류과" and first["disposition"] == "주의"
    assert first["regulation"] == "특송물품 수입통관 사무처리에 관한 고시 제9조"
    assert second["year"] == 2022 and second["disposition"] == "통보" and second["regulation"] == "관세법 제206조"
