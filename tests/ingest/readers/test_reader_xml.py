"""data.go.kr / MFDS open-data XML → Table (반입차단 성분, I2715)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import BadInputFile
from ingest.readers import read_table
from ingest.split import split_file
from ingest.split.notes import SplitNotes

DATA_GO_KR = """<?xml version="1.0" encoding="UTF-8"?>
<response><header><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header>
<body><items><item><RAW_IRDNT_NM>시부트라민</RAW_IRDNT_NM><RAW_IRDNT_ENG_NM>Sibutramine</RAW_IRDNT_ENG_NM>
<APPN_RELS_DVS>Y</APPN_RELS_DVS></item><item><RAW_IRDNT_NM>QA해제성분</RAW_IRDNT_NM><APPN_RELS_DVS>N</APPN_RELS_DVS>
</item></items><numOfRows>2</numOfRows><totalCount>2</totalCount></body></response>"""


def test_data_go_kr_items_become_rows_and_ingredient_records(tmp_path: Path) -> None:
    path = tmp_path / "blocked.xml"
    path.write_text(DATA_GO_KR, encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["RAW_IRDNT_NM", "RAW_IRDNT_ENG_NM", "APPN_RELS_DVS"]
    assert [r["RAW_IRDNT_ENG_NM"] for r in table.rows] == ["Sibutramine", ""]
    kind, records = split_file(path, None, None, SplitNotes())
    assert kind == "ingredient-list" and [r.metadata["status"] for r in records] == ["Y", "N"]


def test_mfds_rows_in_euc_kr(tmp_path: Path) -> None:
    path = tmp_path / "i2715.xml"
    xml = ('<?xml version="1.0" encoding="EUC-KR"?><I2715><total_count>1</total_count><row>'
           "<SELF_IMPORT_SEQ>2099000001</SELF_IMPORT_SEQ><PRDT_NM>QA 다이어트 샘플</PRDT_NM>"
           "<INGR_NM_LST>시부트라민</INGR_NM_LST></row></I2715>")
    path.write_bytes(xml.encode("euc-kr"))
    kind, records = split_file(path, None, None, SplitNotes())
    assert kind == "hazard-list" and records[0].metadata["product"] == "QA 다이어트 샘플"


@pytest.mark.parametrize("text, reason", [
    ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><response><body><items/></body></response>', "DOCTYPE"),
    ("<response><header><resultCode>30</resultCode><resultMsg>SERVICE KEY IS NOT REGISTERED</resultMsg></header>"
     "</response>", "SERVICE KEY"),
    ("<response><body><items><item>", "XML"),
    ("<catalog><book>x</book></catalog>", "형태"),
])
def test_bad_xml_is_refused_with_a_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputFile) as err:
        read_table(path)
    assert reason in err.value.reason_ko
