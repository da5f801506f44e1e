"""List cells that say "nothing" (-, 없음, N/A, 0) are empty, never a barcode or a maker."""

from __future__ import annotations

from pathlib import Path

from ingest.document import Table
from ingest.split.lists import hazard_records, ingredient_records

HEADERS = ["SELF_IMPORT_SEQ", "PRDT_NM", "MUFC_NM", "BARCD_CTN"]


def test_placeholder_barcodes_and_makers_are_empty() -> None:
    values = [("1", "A 샘플", "-", "-"), ("2", "B 샘플", "없음", "없음"), ("3", "C 샘플", "N/A", "N/A"),
              ("4", "D 샘플", "미상", "0"), ("5", "E 샘플", "QA Co", "0000000000000"), ("6", "F 샘플", "QA Co", "6901234567892")]
    rows = [dict(zip(HEADERS, v, strict=True)) for v in values]
    recs = hazard_records(Table(Path("i2715.json"), HEADERS, rows, {}), "i2715.json")
    assert [r.metadata.get("barcode") for r in recs] == [None] * 5 + ["6901234567892"]
    assert [r.metadata.get("manufacturer") for r in recs] == [None, None, None, None, "QA Co", "QA Co"]
    assert all("바코드: -" not in r.text and "바코드: 없음" not in r.text for r in recs)


def test_status_zero_still_means_released() -> None:
    headers = ["RAW_IRDNT_NM", "APPN_RELS_DVS"]
    rows = [{"RAW_IRDNT_NM": "페놀프탈레인", "APPN_RELS_DVS": "0"}]
    (rec,) = ingredient_records(Table(Path("b.csv"), headers, rows, {}), "b.csv")
    assert rec.metadata["status"] == "N"
