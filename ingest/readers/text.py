"""TXT / Markdown reader: encoding detection, blank-line paragraphs, Markdown headings.  # 텍스트"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Block, Document
from ingest.readers._common import clean_line, guess_title
from ingest.readers.encoding import read_text
from ingest.readers.limits import Limits, current

_MD_HEADING = re.compile(r"^#{1,6}\s+\S")


def read_text_document(path: Path, limits: Limits | None = None) -> Document:
    text, encoding = read_text(path, current(limits).max_text_bytes)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln for ln in chunk.split("\n")]
        buf: list[str] = []
        for line in lines:
            if fmt == "md" and _MD_HEADING.match(line.strip()):
                if buf:
                    blocks.append(Block(clean_line("\n".join(buf))))
                    buf = []
                blocks.append(Block(clean_line(line.strip().lstrip("#")), kind="heading"))
            else:
                buf.append(line)
        para = clean_line("\n".join(buf))
        if para:
            blocks.append(Block(para))
    return Document(path=path, title=guess_title(blocks, path), blocks=blocks,
                    meta={"format": fmt, "encoding": encoding})
