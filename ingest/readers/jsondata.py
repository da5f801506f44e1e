"""Open-data JSON reader → `Table`.  # 공공데이터(JSON)

Known shapes (`meta["shape"]`):
- "service_rows": MFDS OpenAPI `{"I2715": {"total_count": …, "RESULT": …, "row": [...]}}`, and any
  `{"<SERVICE_ID>": {"row": [...]}}` (`meta["service"]` holds the id);
- "data_go_kr": `{"response": {"body": {"items": …}}}` or `{"body": {"items": …}}` where items is
  `{"item": [...]}`, `{"item": {...}}`, a list of dicts, or a list of `{"item": {...}}`;
- "list": a plain list of objects.
Anything else is refused as not a known open-data shape. Values become strings (nested values as
compact JSON); headers are the keys in first-seen order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import BadInputFile
from ingest.document import Table
from ingest.readers.encoding import read_text
from ingest.readers.limits import Limits, current

_NOT_KNOWN_KO = ("알려진 공공데이터 JSON 형태가 아닙니다(I2715 같은 {\"서비스ID\": {\"row\": [...]}}, "
                 "data.go.kr의 response.body.items, 또는 객체 목록이어야 함)")
_NOT_KNOWN_EN = ("not a known open-data JSON shape (expected {\"SERVICE_ID\": {\"row\": [...]}}, "
                 "data.go.kr response.body.items, or a list of objects)")


def _items(value: Any) -> list[dict] | None:
    """data.go.kr `items` in any of its spellings → list of dicts."""
    if isinstance(value, dict) and "item" in value:
        value = value["item"]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [v["item"] if set(v) == {"item"} and isinstance(v["item"], dict) else v for v in value]
    if value in ("", None):  # data.go.kr sends "items": "" when there are no results
        return []
    return None


def detect_shape(data: Any) -> tuple[str, str, list[dict]] | None:
    """(shape, service id, rows) or None when the shape is unknown."""
    if isinstance(data, list):
        if all(isinstance(v, dict) for v in data):
            return "list", "", data
        return None
    if not isinstance(data, dict):
        return None
    body = None
    if isinstance(data.get("response"), dict) and isinstance(data["response"].get("body"), dict):
        body = data["response"]["body"]
    elif isinstance(data.get("body"), dict):
        body = data["body"]
    if body is not None and "items" in body:
        rows = _items(body["items"])
        return ("data_go_kr", "", rows) if rows is not None else None
    services = [(k, v) for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("row"), list)]
    if len(services) == 1:
        key, value = services[0]
        rows = value["row"]
        if all(isinstance(r, dict) for r in rows):
            return "service_rows", key, rows
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value).strip()


def read_json(path: Path, limits: Limits | None = None) -> Table:
    lim = current(limits)
    text, encoding = read_text(path, lim.max_json_bytes)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadInputFile(path, f"JSON 문법 오류: {exc}", f"invalid JSON: {exc}") from exc
    found = detect_shape(data)
    if found is None:
        raise BadInputFile(path, _NOT_KNOWN_KO, _NOT_KNOWN_EN)
    shape, service, items = found
    headers: dict[str, None] = {}
    for item in items:
        headers.update(dict.fromkeys(str(k) for k in item))
    keys = list(headers)

    def shaped(selection):
        for item in selection:
            values = {str(k): v for k, v in item.items()}
            yield {k: _text(values.get(k)) for k in keys}

    rows = list(shaped(items[: lim.max_table_rows]))
    meta = {"format": "json", "encoding": encoding, "shape": shape}
    if service:
        meta["service"] = service
    if isinstance(data, dict) and service and isinstance(data[service].get("total_count"), int | str):
        meta["total_count"] = str(data[service]["total_count"])
    table = Table(path=path, headers=keys, rows=rows, meta=meta)
    if len(items) > lim.max_table_rows:  # Table.rows holds the first rows; iter_rows() yields all
        meta["truncated"] = "true"
        meta["rows_in_list"] = str(len(rows))
        table._row_source = lambda: shaped(items)  # type: ignore[attr-defined]
    return table
