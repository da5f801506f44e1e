"""TXT / Markdown reader: encoding detection, blank-line paragraphs, Markdown headings.  # 텍스트"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Block, Document
from ingest.readers._common import clean_line, guess_title
from ingest.readers.encoding import read_text
from ingest.readers.limits import Limits, current

_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def read_text_document(path: Path, limits: Limits | None = None) -> Document:
    text, encoding = read_text(path, current(limits).max_text_bytes)
    text = clean_line(text.replace("\r\n", "\n").replace("\r", "\n"))  # once, over the whole text
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    blocks: list[Block] = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        if fmt != "md" or "#" not in chunk:
            if chunk:
                blocks.append(Block(chunk))
            continue
        buf: list[str] = []
        for line in chunk.split("\n"):
            if _MD_HEADING.match(line):
                if buf:
                    blocks.append(Block("\n".join(buf)))
                    buf = []
                blocks.append(Block(line.lstrip("#").strip(), kind="heading"))
            else:
                buf.append(line)
        if buf:
            blocks.append(Block("\n".join(buf)))
    return Document(path=path, title=guess_title(blocks, path), blocks=blocks,
                    meta={"format": fmt, "encoding": encoding})
