"""HWPX reader (zip + OWPML XML, stdlib only): sections in manifest order, paragraphs as Blocks,
tables as one `table_row` Block per row (cells joined with " | "), Hanja kept.  # 한글(HWPX)

Headers/footers (머리말/꼬리말) are skipped on purpose: they repeat on every page and would pollute
search. Footnotes/endnotes (각주/미주) and text boxes (글상자) are kept, right after their paragraph.
The zip is checked for bombs before any member is read; XML with a DOCTYPE/ENTITY is refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

from assistant.errors import BadInputFile
from ingest.document import Block, Document
from ingest.readers._common import clean_line, guess_title
from ingest.readers.limits import ZIP_ERRORS, Limits, open_zip

_SECTION = re.compile(r"^Contents/section(\d+)\.xml$", re.IGNORECASE)
_SKIP = {"secPr", "linesegarray", "parameters"}
_FURNITURE = {"header", "footer"}
_T_CHILD_TEXT = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse(zf: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    try:
        data = zf.read(name)
    except ZIP_ERRORS as exc:  # bad CRC, truncated or undecodable member…
        raise BadInputFile(path, f"HWPX 압축 내용({name})이 손상되었습니다: {exc}", f"corrupt HWPX member {name}: {exc}") from exc
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise BadInputFile(path, f"{name}에 DTD/엔티티 선언이 있어 읽지 않습니다(XML 공격 방지).",
                           f"{name} declares a DTD/entities; refused (XML attack guard)")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise BadInputFile(path, f"{name}의 XML이 손상되었습니다: {exc}", f"corrupt XML in {name}: {exc}") from exc


def section_names(zf: zipfile.ZipFile, path: Path) -> list[str]:
    """Section parts in manifest (spine) order; sorted section*.xml when the manifest is missing."""
    names = set(zf.namelist())
    ordered: list[str] = []
    if "Contents/content.hpf" in names:
        root = _parse(zf, "Contents/content.hpf", path)
        items = {el.get("id"): el.get("href", "") for el in root.iter() if _local(el.tag) == "item"}
        spine = [el.get("idref") for el in root.iter() if _local(el.tag) == "itemref"]
        for ref in spine or list(items):
            href = str(PurePosixPath(items.get(ref) or ""))
            if _SECTION.match(href) and href in names and href not in ordered:
                ordered.append(href)
    if not ordered:
        found = [(int(m.group(1)), n) for n in names if (m := _SECTION.match(n))]
        ordered = [n for _, n in sorted(found)]
    return ordered


def _t_text(t: ET.Element) -> str:
    parts = [t.text or ""]
    for child in t:
        parts.append(_T_CHILD_TEXT.get(_local(child.tag), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _wrap(elem: ET.Element) -> ET.Element:
    holder = ET.Element("holder")
    holder.append(elem)
    return holder


class _Walker:
    def __init__(self) -> None:
        self.furniture: list[str] = []  # header/footer text, kept in meta only

    def walk(self, elem: ET.Element, out: list[Block]) -> None:
        for child in elem:
            name = _local(child.tag)
            if name in _FURNITURE:
                inner: list[Block] = []
                self.walk(child, inner)
                self.furniture.extend(b.text for b in inner)
            elif name == "p":
                self.paragraph(child, out)
            elif name == "tbl":
                self.table(child, out)
            elif name not in _SKIP:
                self.walk(child, out)

    def paragraph(self, p: ET.Element, out: list[Block]) -> None:
        text: list[str] = []
        nested: list[Block] = []
        for run in p:
            if _local(run.tag) != "run":
                continue
            for item in run:
                name = _local(item.tag)
                if name == "t":
                    text.append(_t_text(item))
                elif name == "tbl":
                    self.table(item, nested)
                elif name not in _SKIP:
                    self.walk(item if name not in _FURNITURE else _wrap(item), nested)
        line = clean_line("".join(text))
        if line:
            out.append(Block(line))
        out.extend(nested)

    def table(self, tbl: ET.Element, out: list[Block]) -> None:
        for tr in tbl:
            if _local(tr.tag) != "tr":
                continue
            cells = []
            for tc in tr:
                if _local(tc.tag) != "tc":
                    continue
                inner: list[Block] = []
                self.walk(tc, inner)
                cells.append(" ".join(b.text.replace("\n", " ") for b in inner))
            if any(cells):
                out.append(Block(" | ".join(cells), kind="table_row"))


def read_hwpx(path: Path, limits: Limits | None = None) -> Document:
    with open_zip(path, limits) as zf:
        sections = section_names(zf, path)
        if not sections:
            raise BadInputFile(path, "HWPX 안에 본문(Contents/section*.xml)이 없습니다.",
                               "no body sections (Contents/section*.xml) in the HWPX")
        blocks: list[Block] = []
        walker = _Walker()
        for name in sections:
            walker.walk(_parse(zf, name, path), blocks)
        meta_title = ""
        if "Contents/content.hpf" in zf.namelist():
            root = _parse(zf, "Contents/content.hpf", path)
            meta_title = next((el.text or "" for el in root.iter() if _local(el.tag) == "title"), "")
    meta = {"format": "hwpx", "sections": str(len(sections))}
    if meta_title.strip():
        meta["meta_title"] = meta_title.strip()
    if walker.furniture:
        meta["headers_footers"] = " | ".join(dict.fromkeys(walker.furniture))
    return Document(path=path, title=guess_title(blocks, path), blocks=blocks, meta=meta)
