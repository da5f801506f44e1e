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
# **제1조(목적)**, __x__ (underscores only at word edges: RAW__NM stays as is, as in CommonMark)
_MD_EMPHASIS = re.compile(r"(\*\*)(?=\S)(.+?)(?<=\S)\*\*|(?<![0-9A-Za-z_])(__)(?=\S)(.+?)(?<=\S)__(?![0-9A-Za-z_])")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)  # > 인용


def strip_markdown(text: str) -> str:
    """Emphasis markers and blockquote marks removed, the words kept (headings are handled per line).

    >>> strip_markdown("> **제1조(목적)** 이 __지침__ 은 RAW__IRDNT__NM")
    '제1조(목적) 이 지침 은 RAW__IRDNT__NM'
    """
    text = _MD_QUOTE.sub("", text)
    return _MD_EMPHASIS.sub(lambda m: m.group(2) if m.group(1) else m.group(4), text)


def read_text_document(path: Path, limits: Limits | None = None) -> Document:
    text, encoding = read_text(path, current(limits).max_text_bytes)
    text = clean_line(text.replace("\r\n", "\n").replace("\r", "\n"))  # once, over the whole text
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    if fmt == "md":
        text = strip_markdown(text)
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
