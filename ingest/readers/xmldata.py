"""Open-data XML reader → `Table`.  # 공공데이터(XML)

data.go.kr services answer in XML by default: `<response><header><resultCode>00</resultCode>…</header>
<body><items><item><RAW_IRDNT_NM>…</RAW_IRDNT_NM>…</item>…</items></body></response>`; the MFDS
OpenAPI sends `<I2715><total_count>…</total_count><row>…</row>…</I2715>`. One row per <item>/<row>,
its child elements as columns (headers in first-seen order). A DOCTYPE or ENTITY declaration is
refused (open data never carries one; it is how XML bombs and external-entity reads start); a
data.go.kr error answer (resultCode other than 00) is reported with its message.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from assistant.errors import BadInputFile
from ingest.document import Table
from ingest.readers.encoding import read_text
from ingest.readers.limits import Limits, current

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rows(root: ET.Element) -> tuple[str, list[ET.Element]] | None:
    if _local(root.tag) == "response" or root.find("body") is not None:
        body = root.find("body") if root.find("body") is not None else root
        items = body.find("items") if body is not None else None
        if items is not None:
            return "data_go_kr", [el for el in items if _local(el.tag) == "item"]
    rows = [el for el in root if _local(el.tag) == "row"]
    if rows:
        return "service_rows", rows
    return None


def read_xml(path: Path, limits: Limits | None = None) -> Table:
    lim = current(limits)
    text, encoding = read_text(path, lim.max_json_bytes)
    if re.search(r"<!\s*(?:DOCTYPE|ENTITY)", text[:100_000], re.IGNORECASE):
        raise BadInputFile(path, "XML에 DOCTYPE/ENTITY 선언이 있어 읽지 않습니다(공공데이터 XML에는 없음).",
                           "XML with a DOCTYPE/ENTITY declaration is refused")
    try:
        root = ET.fromstring(_DECLARATION.sub("", text, count=1))
    except ET.ParseError as exc:
        raise BadInputFile(path, f"XML 문법 오류: {exc}", f"invalid XML: {exc}") from exc
    code = root.findtext("header/resultCode") or root.findtext("RESULT/CODE") or ""
    if code.strip() and code.strip() not in ("00", "0", "INFO-000"):
        msg = (root.findtext("header/resultMsg") or root.findtext("RESULT/MSG") or "").strip()
        raise BadInputFile(path, f"공공데이터 오류 응답입니다(resultCode {code.strip()}: {msg})",
                           f"the open-data service answered with an error (resultCode {code.strip()}: {msg})")
    found = _rows(root)
    if found is None:
        raise BadInputFile(path, "알려진 공공데이터 XML 형태가 아닙니다(response/body/items/item 또는 <row> 목록이어야 함).",
                           "not a known open-data XML shape (expected response/body/items/item or <row> elements)")
    shape, elements = found
    items = [{_local(child.tag): (child.text or "").strip() for child in el} for el in elements]
    headers: dict[str, None] = {}
    for item in items:
        headers.update(dict.fromkeys(item))
    keys = list(headers)
    rows = [{k: item.get(k, "") for k in keys} for item in items]
    meta = {"format": "xml", "encoding": encoding, "shape": shape}
    if shape == "service_rows":
        meta["service"] = _local(root.tag)
    table = Table(path=path, headers=keys, rows=rows[: lim.max_table_rows], meta=meta)
    if len(rows) > lim.max_table_rows:
        meta["truncated"] = "true"
        table._row_source = lambda: iter(rows)  # type: ignore[attr-defined]
    return table
