"""CSV/TSV and XLSX readers → `Table`.  # 표(CSV/엑셀)

- Encoding detection (UTF-8, UTF-8 BOM, CP949/EUC-KR, UTF-16 BOM); binary garbage is refused.
- Delimiter sniffing among , TAB ; | (by consistent column counts on the first lines).
- Title rows above the header are skipped: the header is the first row with ≥ 3 non-empty cells
  (or as many as the widest early row has, when that is fewer).
- Ragged rows: short rows are padded with ""; extra cells of long rows are kept under "_extra"
  (joined with " | ") and counted in `meta["warnings"]`.
- Cell text is never evaluated: "=cmd|' /C calc'!A0" stays an inert string (escaping formulas on
  export is the exporter's job).
- XLSX (openpyxl read_only, data_only): cached values; a formula without a cached value is kept as
  its text (a second, formula-text pass runs only when some sheet contains formulas).
- XLSX merged cells (병합 셀) spanning rows are filled with their top-left value (see `_sheet_rows`).
- Memory: `Table.rows` holds at most `Limits.max_table_rows` rows; `Table.iter_rows()` streams the
  whole file again row by row (bounded memory), `meta["truncated"] == "true"` says when to use it.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.errors import BadInputFile
from ingest.document import Table
from ingest.readers.encoding import sniff_file_encoding
from ingest.readers.limits import ZIP_ERRORS, Limits, current, open_zip

EXTRA = "_extra"
_DELIMITERS = (",", "\t", ";", "|")
_HEADER_SCAN = 30
csv.field_size_limit(16 * 1024 * 1024)


def _sniff_delimiter(sample: str, suffix: str) -> str:
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut
    best, best_score = ("\t" if suffix == ".tsv" else ","), (0, 0)
    for delim in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = (sum(1 for c in counts if c == widest), widest)
        if score > best_score:
            best, best_score = delim, score
    return best


def find_header(rows: list[list[str]]) -> int:
    """Index of the header row among the first rows: first with ≥ 3 non-empty string cells."""
    filled = [sum(1 for c in r if str(c).strip()) for r in rows]
    if not filled:
        return 0
    need = min(3, max(filled))
    for i, n in enumerate(filled):
        if n >= need:
            return i
    return 0


def make_headers(raw: list[str]) -> list[str]:
    """Header names as printed, stripped; blanks → "열N", duplicates → "name_2"."""
    headers: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(raw):
        name = str(h).strip().lstrip("\ufeff") or f"열{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


class _RowShaper:
    """Turns raw cell lists into dicts keyed by the headers; counts ragged rows."""

    def __init__(self, headers: list[str]):
        self.headers = headers
        self.short = 0
        self.long = 0

    def __call__(self, cells: list[str]) -> dict[str, str] | None:
        cells = [c.strip() if isinstance(c, str) else c for c in cells]
        if not any(cells):
            return None
        n = len(self.headers)
        if len(cells) < n:
            self.short += 1
            cells = cells + [""] * (n - len(cells))
        row = dict(zip(self.headers, cells[:n], strict=True))
        if len(cells) > n:
            extra = [c for c in cells[n:] if c]
            if extra:
                self.long += 1
                row[EXTRA] = " | ".join(extra)
        return row

    def warnings(self) -> list[str]:
        out = []
        if self.short:
            out.append(f"열이 모자란 행 {self.short}개(빈 값으로 채움)")
        if self.long:
            out.append(f"열이 넘치는 행 {self.long}개(넘친 값은 '{EXTRA}'에 보관)")
        return out


def _collect(path: Path, headers: list[str], rows_iter: Iterable[list[str]], lim: Limits,
             meta: dict[str, str], restream) -> Table:
    shaper = _RowShaper(headers)
    rows: list[dict[str, str]] = []
    truncated = False
    for cells in rows_iter:
        row = shaper(cells)
        if row is None:
            continue
        if len(rows) >= lim.max_table_rows:
            truncated = True
            break
        rows.append(row)
    close = getattr(rows_iter, "close", None)
    if close is not None:
        close()  # releases the open file / workbooks when the row cap stopped us early
    warnings = shaper.warnings()
    if truncated:  # not a user warning: iter_rows() still yields every row
        meta["truncated"] = "true"
        meta["rows_in_list"] = str(len(rows))
    if warnings:
        meta["warnings"] = "; ".join(warnings)
    table = Table(path=path, headers=headers, rows=rows, meta=meta)

    def stream() -> Iterator[dict[str, str]]:
        fresh = _RowShaper(headers)
        for cells in restream():
            row = fresh(cells)
            if row is not None:
                yield row

    table._row_source = stream if truncated else None  # type: ignore[attr-defined]
    return table


# ---------------------------------------------------------------- CSV / TSV
def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    try:
        with open(path, encoding=encoding, newline="", errors="strict") as fh:
            yield from csv.reader(fh, delimiter=delimiter)
    except UnicodeDecodeError as exc:
        raise BadInputFile(path, f"파일 중간에 {encoding} 인코딩이 아닌 바이트가 있습니다(위치 {exc.start}).",
                           f"bytes that are not {encoding} in the middle of the file") from exc
    except csv.Error as exc:
        raise BadInputFile(path, f"CSV 형식 오류: {exc}", f"CSV format error: {exc}") from exc


def read_csv(path: Path, limits: Limits | None = None) -> Table:
    lim = current(limits)
    encoding = sniff_file_encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sample = fh.read(64 * 1024)
    delimiter = _sniff_delimiter(sample, path.suffix.lower())

    def body_after_header() -> tuple[list[str], Iterator[list[str]]]:
        it = _csv_rows(path, encoding, delimiter)
        head = list(itertools.islice(it, _HEADER_SCAN))
        idx = find_header(head)
        if not head:
            raise BadInputFile(path, "내용이 없는 CSV입니다.", "the CSV has no content")
        return head[idx], itertools.chain(head[idx + 1:], it)

    raw_header, rows_iter = body_after_header()
    headers = make_headers(raw_header)
    if len([h for h in raw_header if h.strip()]) < 1:
        raise BadInputFile(path, "머리글(열 이름) 행을 찾지 못했습니다.", "no header row found")
    meta = {"format": "tsv" if delimiter == "\t" else "csv", "encoding": encoding, "delimiter": delimiter}
    return _collect(path, headers, rows_iter, lim, meta, lambda: body_after_header()[1])


# ---------------------------------------------------------------- XLSX
def cell_text(value: object) -> str:
    """A cell value as text: integral floats without ".0", dates as ISO, formulas as inert text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _sheet_rows(ws_values, ws_formulas, merged: list[tuple[int, int, int, int]] | None = None) -> Iterator[list[str]]:
    """Cached values (data_only); where a formula has no cached value, its text (never evaluated).

    Merged ranges spanning several rows (병합 셀: one office for three findings) give every cell the
    top-left value; a one-row merge (a title row or a spanned group header) is left as one cell.
    """
    formulas = ws_formulas.iter_rows(values_only=True) if ws_formulas is not None else itertools.repeat(())
    pending = sorted(r for r in (merged or []) if r[2] > r[0])  # (row1, col1, row2, col2), 1-based
    active: list[list] = []  # [row1, col1, row2, col2, value]
    nxt = 0  # next range in `pending` to open
    for number, (values, raw) in enumerate(zip(ws_values.iter_rows(values_only=True), formulas, strict=False), 1):
        cells = []
        for i, v in enumerate(values):
            if v is None and i < len(raw) and isinstance(raw[i], str) and raw[i].startswith("="):
                v = raw[i]
            cells.append(cell_text(v))
        if nxt < len(pending) or active:
            while nxt < len(pending) and pending[nxt][0] <= number:
                r1, c1, r2, c2 = pending[nxt]
                nxt += 1
                if r1 == number:  # (a range starting on a row the parser skipped is dropped)
                    active.append([r1, c1, r2, c2, cells[c1 - 1] if c1 <= len(cells) else ""])
            for _r1, c1, _r2, c2, value in active:
                if value:
                    if len(cells) < c2:
                        cells.extend([""] * (c2 - len(cells)))
                    for c in range(c1 - 1, c2):
                        cells[c] = cells[c] or value
            active = [a for a in active if a[2] > number]
        yield cells


def read_xlsx(path: Path, limits: Limits | None = None) -> Table:
    lim = current(limits)
    open_zip(path, lim).close()  # zip-bomb guard before openpyxl touches the file
    import openpyxl

    need_formulas = _has_formulas(path)

    def open_books():
        try:
            values = openpyxl.load_workbook(path, read_only=True, data_only=True)
            formulas = openpyxl.load_workbook(path, read_only=True, data_only=False) if need_formulas else None
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on broken files
            raise BadInputFile(path, f"엑셀(XLSX) 파일이 손상되었습니다: {type(exc).__name__}",
                               f"corrupt XLSX: {exc}") from exc
        return values, formulas

    wb_v, wb_f = open_books()
    merged = merged_ranges(path)
    try:
        chosen: list[str] = []
        headers: list[str] | None = None
        header_rows: dict[str, int] = {}
        for name in wb_v.sheetnames:
            head = list(itertools.islice(_sheet_rows(wb_v[name], wb_f and wb_f[name], merged.get(name)), _HEADER_SCAN))
            if not any(any(c for c in r) for r in head):
                continue
            idx = find_header(head)
            h = make_headers(_trim(head[idx]))
            if headers is None:
                headers, chosen = h, [name]
                header_rows[name] = idx
            elif h == headers:
                chosen.append(name)
                header_rows[name] = idx
        if headers is None:
            raise BadInputFile(path, "엑셀 파일에 내용이 있는 시트가 없습니다.", "no sheet with content in the XLSX")
    except BadInputFile:
        _close(wb_v, wb_f)
        raise
    except Exception as exc:  # noqa: BLE001
        _close(wb_v, wb_f)
        raise BadInputFile(path, f"엑셀(XLSX) 시트를 읽지 못했습니다: {type(exc).__name__}", f"cannot read sheet: {exc}") from exc

    def all_rows(books=(wb_v, wb_f)) -> Iterator[list[str]]:
        v, f = books
        try:
            for name in chosen:
                yield from itertools.islice(_sheet_rows(v[name], f and f[name], merged.get(name)), header_rows[name] + 1, None)
        except Exception as exc:  # noqa: BLE001
            raise BadInputFile(path, f"엑셀(XLSX) 행을 읽지 못했습니다: {type(exc).__name__}", f"cannot read rows: {exc}") from exc
        finally:
            _close(v, f)

    meta = {"format": "xlsx", "sheet": chosen[0], "sheets": ", ".join(chosen), "header_row": str(header_rows[chosen[0]] + 1)}
    return _collect(path, headers, all_rows(), lim, meta, lambda: all_rows(open_books()))


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_SHEET_TAG = re.compile(rb'<(?:\w+:)?sheet\s[^>]*?name="([^"]*)"[^>]*?(?:r:)?id="([^"]+)"')
_REL_TAG = re.compile(rb'<Relationship\s[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|<Relationship\s[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
MAX_MERGED_RANGES = 100_000


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name → merged ranges (row1, col1, row2, col2), read from the sheet XML's <mergeCells>
    (openpyxl's read-only mode does not expose them). Streams each sheet file; {} on any damage."""
    import html

    out: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            book = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
            rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
            targets = {}
            for m in _REL_TAG.finditer(rels):
                rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
                target = target.decode("utf-8", "replace").lstrip("/")
                targets[rid.decode()] = target if target.startswith("xl/") else "xl/" + target
            for m in _SHEET_TAG.finditer(book):
                sheet, member = html.unescape(m.group(1).decode("utf-8", "replace")), targets.get(m.group(2).decode())
                if not member or member not in names:
                    continue
                found: list[tuple[int, int, int, int]] = []
                with zf.open(member) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        data = tail + chunk
                        cut = data.rfind(b"<")
                        cut = cut if cut > 0 else len(data)
                        for r in _MERGE.finditer(data, 0, cut):
                            found.append((int(r.group(2)), _col(r.group(1)), int(r.group(4)), _col(r.group(3))))
                        tail = data[cut:]
                        if len(found) > MAX_MERGED_RANGES:
                            break
                    for r in _MERGE.finditer(tail):
                        found.append((int(r.group(2)), _col(r.group(1)), int(r.group(4)), _col(r.group(3))))
                if found:
                    out[sheet] = found[:MAX_MERGED_RANGES]
    except (*ZIP_ERRORS, KeyError, ValueError):
        return {}
    return out


def _close(*books) -> None:
    for book in books:
        if book is not None:
            book.close()


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula: only then is a second (formula-text) pass needed."""
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with zf.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except ZIP_ERRORS:
        return True  # let openpyxl meet the damage and report it
    return False


def _trim(cells: list[str]) -> list[str]:
    """Drop empty trailing header cells (XLSX sheets often report a wider range than used)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]

