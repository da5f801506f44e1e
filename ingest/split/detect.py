"""Document kind by content (문서 종류 판별): an audit report vs a statute-style regulation.

An officer may drop an audit report (감사결과 보고서) anywhere; indexed as a regulation it would be
shown to officers, who must never see findings. A document is taken for an audit report when it
has no article structure (fewer than two 제N조 article headings) and reads like one: labelled
disposition fields (처분: 주의 / 처분요구: 시정) together with labelled legal-basis fields (관련 규정:
…) or 감사결과/지적사항 headings and cover fields (감사기관, 감사대상). A document with articles is a
regulation whatever it mentions.

>>> from pathlib import Path
>>> from ingest.document import Block, Document
>>> looks_like_findings(Document(Path("r.txt"), "", [Block("Ⅱ. 지적사항\\n1. 검사 누락\\n가. 현황\\n…\\n"
...     "나. 관련 규정: 관세법 제5조\\n다. 처분: 주의")], {}))
True
>>> looks_like_findings(Document(Path("l.txt"), "", [Block("제1조(목적) …\\n제2조(처분) 처분: 주의\\n"
...     "관련 규정: 관세법")], {}))
False
"""

from __future__ import annotations

import re

from ingest.document import Document

_LEAD = r"^\s*(?:[-•·*○□▶]\s*|[가-하]\.\s*|\(?\d{1,2}\)\s*|\(\s*)?"
# "다. 처분요구: 주의", "처분 | 시정" (a table row): the value must be an audit disposition word
_DISPOSITION = re.compile(_LEAD + r"(?:처\s*분|처분\s*요구|처분\s*요구\s*사항|처분\s*내용|처분\s*종류|조치\s*요구|조치\s*사항)"
                          r"\s*[:：|]\s*[^\n]{0,20}?(?:변상|징계|문책|시정|주의|개선|권고|통보|고발)")
_BASIS = re.compile(_LEAD + r"(?:관련\s*규정|관련\s*법령|관계\s*법령|근거\s*법령|근거\s*규정|위반\s*법령|위반\s*규정|근거)\s*[:：|]\s*\S")
_HEADINGS = re.compile(r"^\s*(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩIVX\d]+\s*[.)]\s*)?(?:감사\s*결과|지적\s*사항|감사\s*지적|주요\s*지적|처분\s*요구)")
_COVER = re.compile(_LEAD + r"(?:감사\s*기관|감사\s*대상(?:\s*기관)?|피감\s*기관|피감사\s*기관|수감\s*기관|감사\s*종류|감사\s*기간|감사\s*연도)\s*[:：|]")
_ARTICLE = re.compile(r"^\s*제\s*\d+\s*조(?:\s*의\s*\d+)?\s*[(（][^()（）]{1,80}[)）]")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|[\[【]?\s*(?:지적\s*사항|지적|사례)\s*\d{1,3}|제\s*\d{1,3}\s*건)\s*\S")


def looks_like_findings(doc: Document) -> bool:
    """True when `doc` reads as an audit report with numbered findings and no article structure."""
    articles = disposition = basis = headings = cover = numbered = 0
    for block in doc.blocks:
        for line in block.text.splitlines():
            if not line.strip():
                continue
            articles += bool(_ARTICLE.match(line))
            disposition += bool(_DISPOSITION.match(line))
            basis += bool(_BASIS.match(line))
            headings += bool(_HEADINGS.match(line))
            cover += bool(_COVER.match(line))
            numbered += bool(_NUMBERED.match(line))
    if articles >= 2 or not disposition or not numbered:
        return False
    return bool(basis or headings or cover >= 2)
