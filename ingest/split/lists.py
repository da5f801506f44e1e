"""Hazard-list and blocked-ingredient tables → one Record per product / substance.

- hazard-list (위해식품 목록, MFDS I2715 and its Korean-header spreadsheets): locator
  "SELF_IMPORT_SEQ <seq>", or "행 N" when the file has no serial number.
- ingredient-list (반입차단 원료·성분, data.go.kr BlockRawIrdntInfoService): locator "RAW_IRDNT <name>".

Ingredient cells hold several names; `split_ingredients` cuts them on list separators but never
inside a chemical name: the comma in "1,3-디메틸아밀아민" or "N,N-didesmethylsibutramine" joins
locants, it does not separate items.

>>> split_ingredients("시부트라민, 1,3-디메틸아밀아민 및 페놀프탈레인")
['시부트라민', '1,3-디메틸아밀아민', '페놀프탈레인']
>>> split_ingredients("N,N-didesmethylsibutramine; 2,4-dinitrophenol / 센나잎")
['N,N-didesmethylsibutramine', '2,4-dinitrophenol', '센나잎']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from assistant.records import Record
from ingest.document import Table
from ingest.split.headers import require_schema
from ingest.split.notes import SplitNotes

_SEPARATORS = set(";/·、，；\n\r|")
_OPEN = "([{（［【〔「『<〈"
_CLOSE = ")]}）］】〕」』>〉"
_LOCANT = re.compile(r"^[0-9A-Za-zα-ωΑ-Ω]{1,2}['′]?(?:,[0-9A-Za-zα-ωΑ-Ω]{1,2}['′]?)*-")
_LOCANT_LEFT = re.compile(r"(?:^|[^0-9A-Za-zα-ωΑ-Ω'′])[0-9A-Za-zα-ωΑ-Ω]{1,2}['′]?$")
_AND = re.compile(r"\s+및\s+")
_BULLET = re.compile(r"^(?:[-–—•*]|\d{1,2}[.)])\s+")


def _comma_joins(text: str, i: int) -> bool:
    """True when the comma at text[i] is part of a chemical name (1,3- / 2,4- / N,N-)."""
    left, right = text[:i], text[i + 1 :]
    if left[-1:].isdigit() and right[:1].isdigit():
        return True  # 1,3-…, 2,4-…, also thousands (1,000 mg)
    return bool(_LOCANT_LEFT.search(left) and _LOCANT.match(right))


def _trim(item: str) -> str:
    item = _BULLET.sub("", unicodedata.normalize("NFC", item).strip())
    # drop wrapping brackets and stray unbalanced ones at the edges, keep "시부트라민(Sibutramine)"
    while item:
        before = item
        if item[0] in _OPEN and item[-1] in _CLOSE and _balanced(item[1:-1]):
            item = item[1:-1].strip()
        if item and item[-1] in _CLOSE and not _balanced(item):
            item = item[:-1].strip()
        if item and item[0] in _OPEN and not _balanced(item):
            item = item[1:].strip()
        item = item.strip(" \t\"'`‘’“”*•:;,").strip()  # "[1\n,]" → "1", not "1\n"
        if item == before:
            break
    return item


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def split_ingredients(text: str | None) -> list[str]:
    """Split an ingredient cell on , ; / · 、 ， | newline and " 및 ", not inside names or brackets.

    Duplicates are dropped (first spelling kept); empty items vanish.

    >>> split_ingredients("[시부트라민(Sibutramine, 西布曲明)]、 페놀프탈레인")
    ['시부트라민(Sibutramine, 西布曲明)', '페놀프탈레인']
    """
    if not text:
        return []
    text = _AND.sub(";", str(text))
    items: list[str] = []
    buf: list[str] = []
    depth = 0
    protect = _balanced(text)  # an unclosed bracket must not swallow the rest of the cell
    for i, ch in enumerate(text):
        if not protect:
            pass
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        is_sep = depth == 0 and (ch in _SEPARATORS or (ch == "," and not _comma_joins(text, i)))
        if is_sep:
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf))
    out: list[str] = []
    seen: set[str] = set()
    for raw in items:
        item = _trim(raw)
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _clean(value: object) -> str:
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip()


# Cells that say "nothing here" (없음, -, N/A): empty, so they never become a barcode or a maker.
_PLACEHOLDERS = {"-", "--", "---", "–", "—", "_", ".", "·", "x", "n/a", "na", "n.a.", "none", "null", "nil", "nan",
                 "없음", "해당없음", "해당 없음", "미상", "미기재", "미표시", "정보없음", "정보 없음", "불명", "확인불가", "?"}


def _placeholder(key: str, value: str) -> bool:
    if key == "status":  # "0"/"N" mean released there
        return False
    low = value.strip().lower()
    if low in _PLACEHOLDERS:
        return True
    # a barcode with no digit other than 0 ("0", "0000000000000") is no barcode
    return key == "barcode" and not re.search(r"[1-9]", low)


def _mapped_rows(table: Table, kind: str) -> Iterable[tuple[int, dict[str, str]]]:
    mapping = require_schema(table.path, table.headers, kind)
    for n, row in enumerate(table.iter_rows(), start=1):
        cells = {key: _clean(row.get(header, "")) for header, key in mapping.items()}
        yield n, {key: "" if _placeholder(key, value) else value for key, value in cells.items()}


def _status(value: str) -> str:
    """'Y' designated (지정) | 'N' released (해제); anything else kept as printed."""
    v = value.strip().upper()
    if v in {"Y", "지정", "DESIGNATED", "차단", "1", "TRUE"}:
        return "Y"
    if v in {"N", "해제", "RELEASED", "0", "FALSE"}:
        return "N"
    return value.strip()


def hazard_records(table: Table, source: str, notes: SplitNotes | None = None) -> list[Record]:
    """One record per product row (위해식품); rows without a product name are skipped with a warning."""
    records: list[Record] = []
    skipped: list[int] = []
    for n, row in _mapped_rows(table, "hazard-list"):
        product = row.get("product", "")
        if not product:
            if any(row.values()):
                skipped.append(n)
            continue
        ingredients = split_ingredients(row.get("ingredients"))
        seq = row.get("seq", "")
        locator = f"SELF_IMPORT_SEQ {seq}" if seq and "seq" in row else f"행 {n}"
        lines = [f"위해식품(해외직구 차단): {product}"]
        for label, key in (("제조사", "manufacturer"), ("제조국", "country")):
            if row.get(key):
                lines.append(f"{label}: {row[key]}")
        if ingredients:
            lines.append("검출성분: " + ", ".join(ingredients))
        for label, key in (("바코드", "barcode"), ("등록일", "registered")):
            if row.get(key):
                lines.append(f"{label}: {row[key]}")
        meta: dict[str, Any] = {k: row.get(k) for k in ("seq", "product", "manufacturer", "country", "barcode", "registered",
                                         "updated", "valid_from", "valid_to", "image_url")}
        meta["ingredients"] = " | ".join(ingredients)
        meta["row"] = n
        records.append(Record(kind="hazard-list", source=source, locator=locator, title=product,
                              text="\n".join(lines), metadata=Record.clean_metadata(meta), ordinal=n))
    if notes is not None:
        notes.skip_rows(skipped, "제품명")
    return records


def ingredient_records(table: Table, source: str, notes: SplitNotes | None = None) -> list[Record]:
    """One record per blocked substance (반입차단 원료·성분); rows without any name are skipped."""
    records: list[Record] = []
    skipped: list[int] = []
    for n, row in _mapped_rows(table, "ingredient-list"):
        name_ko, name_en = row.get("name_ko", ""), row.get("name_en", "")
        name = name_ko or name_en
        if not name:
            if any(row.values()):
                skipped.append(n)
            continue
        others = split_ingredients(row.get("other_names"))
        status = _status(row.get("status", ""))
        title = f"{name_ko} ({name_en})" if name_ko and name_en else name
        lines = [f"반입차단 원료·성분: {title}"]
        if others:
            lines.append("기타 명칭: " + ", ".join(others))
        if status:
            lines.append("상태: " + {"Y": "지정 (반입차단)", "N": "해제 (차단 대상 아님)"}.get(status, status))
        for label, key in (("분류", "category"), ("지정일", "designated"), ("지정사유", "reason"),
                           ("해제일", "released"), ("해제사유", "release_reason")):
            if row.get(key):
                lines.append(f"{label}: {row[key]}")
        meta: dict[str, Any] = {k: row.get(k) for k in ("name_ko", "name_en", "designated", "released", "reason",
                                         "release_reason", "category")}
        meta.update(other_names=" | ".join(others), status=status, row=n)
        if not meta.get("category") and (m := re.match(r"^\s*[\[【]([^\]】]{1,20})[\]】]", row.get("reason", ""))):
            meta["category"] = m.group(1).strip()  # data.go.kr reasons open with "[의약품 성분]"
        records.append(Record(kind="ingredient-list", source=source, locator=f"RAW_IRDNT {name}", title=title,
                              text="\n".join(lines), metadata=Record.clean_metadata(meta), ordinal=n))
    if notes is not None:
        notes.skip_rows(skipped, "원료명")
    return records

