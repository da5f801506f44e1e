"""Open-data JSON shapes: MFDS I2715 service rows, data.go.kr items, plain lists; others refused."""

from __future__ import annotations

import json

import pytest

from assistant.errors import BadInputFile
from ingest.readers import read_table

I2715 = {"I2715": {"total_count": "2", "RESULT": {"MSG": "정상처리되었습니다.", "CODE": "INFO-000"}, "row": [
    {"SELF_IMPORT_SEQ": "2023000123", "PRDT_NM": "SLIM FAST 24", "MUFC_NM": "ACME", "MUFC_CNTRY_NM": "미국",
     "INGR_NM_LST": "시부트라민, 1,3-디메틸아밀아민", "BARCD_CTN": "", "CRET_DTM": "20230501"},
    {"SELF_IMPORT_SEQ": "2023000124", "PRDT_NM": "瘦身胶囊", "MUFC_NM": "广州", "MUFC_CNTRY_NM": "중국",
     "INGR_NM_LST": "페놀프탈레인", "BARCD_CTN": 6901234567892, "CRET_DTM": "20230502", "IMAGE_URL": None},
]}}
ITEM = {"RAW_IRDNT_NM": "시부트라민", "RAW_IRDNT_ENG_NM": "Sibutramine", "APPN_RELS_DVS": "Y"}


def _write(tmp_path, name, data, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    return path


def test_i2715_service_rows(tmp_path):
    table = read_table(_write(tmp_path, "i2715.json", I2715))
    assert table.meta["shape"] == "service_rows" and table.meta["service"] == "I2715"
    assert table.meta["total_count"] == "2"
    assert table.headers[:3] == ["SELF_IMPORT_SEQ", "PRDT_NM", "MUFC_NM"] and "IMAGE_URL" in table.headers
    assert table.rows[0]["INGR_NM_LST"] == "시부트라민, 1,3-디메틸아밀아민"
    assert table.rows[1]["BARCD_CTN"] == "6901234567892" and table.rows[1]["IMAGE_URL"] == ""
    other = _write(tmp_path, "i2810.json", {"I2810": {"row": [{"TITL": "회수"}]}}, encoding="utf-8-sig")
    assert read_table(other).meta["service"] == "I2810"


@pytest.mark.parametrize("data", [
    {"response": {"header": {"resultCode": "00"}, "body": {"items": {"item": [ITEM]}, "totalCount": 1}}},
    {"response": {"body": {"items": {"item": ITEM}}}},
    {"body": {"items": [{"item": ITEM}]}},
    {"body": {"items": [ITEM]}},
])
def test_data_go_kr_shapes(tmp_path, data):
    table = read_table(_write(tmp_path, "block.json", data))
    assert table.meta["shape"] == "data_go_kr"
    assert table.rows == [ITEM] and table.headers == list(ITEM)


def test_empty_data_go_kr_items_and_plain_list(tmp_path):
    empty = read_table(_write(tmp_path, "none.json", {"response": {"body": {"items": ""}}}))
    assert empty.rows == [] and empty.meta["shape"] == "data_go_kr"
    plain = read_table(_write(tmp_path, "list.json", [ITEM, {"RAW_IRDNT_NM": "실데나필", "extra": [1, 2]}]))
    assert plain.meta["shape"] == "list" and plain.headers == [*ITEM, "extra"]
    assert plain.rows[1]["extra"] == "[1,2]"
    assert plain.rows[1]["RAW_IRDNT_ENG_NM"] == "" and plain.rows[0]["extra"] == ""  # missing keys padded


@pytest.mark.parametrize("data", [{"hello": "world"}, [1, 2, 3], "text", {"a": {"row": "x"}},
                                  {"A": {"row": []}, "B": {"row": []}}, {"response": {"body": {"items": 5}}}])
def test_wrong_shape_is_refused(tmp_path, data):
    path = _write(tmp_path, "wrong.json", data)
    with pytest.raises(BadInputFile) as err:
        read_table(path)
    assert "wrong.json" in str(err.value) and "공공데이터 JSON 형태가 아닙니다" in str(err.value)


def test_broken_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"I2715": {"row": [', encoding="utf-8")
    with pytest.raises(BadInputFile, match="JSON 문법 오류"):
        read_table(path)


def test_json_row_cap_keeps_every_row_reachable(tmp_path):
    from ingest.readers.limits import Limits

    rows = [{"SELF_IMPORT_SEQ": str(i), "PRDT_NM": f"P{i}"} for i in range(50)]
    table = read_table(_write(tmp_path, "many.json", {"I2715": {"row": rows}}), Limits(max_table_rows=10))
    assert len(table.rows) == 10 and table.meta["truncated"] == "true"
    assert [r["SELF_IMPORT_SEQ"] for r in table.iter_rows()] == [str(i) for i in range(50)]
