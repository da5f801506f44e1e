"""PDF page furniture (browser print stamps, running headers/footers) and Markdown emphasis."""

from __future__ import annotations

from pathlib import Path

from ingest.readers.furniture import is_furniture, strip_furniture
from ingest.readers.text import read_text_document
from ingest.split.statute import statute_records


def test_browser_print_header_and_footer_lines_are_furniture() -> None:
    for line in ("11/21/26, 1:55 AM 관세청 고시 전자관보 (샘플)", "26. 11. 21. 오전 1:55 전자관보",
                 "ﬁle:///tmp/qa/notice.html 1/2", "https://www.law.go.kr/LSW/lsInfoP.do 3/12",
                 "- 3 -", "3 / 10", "Page 2 of 9", "3쪽"):
        assert is_furniture(line), line
    for line in ("제3조(현품 검사) 세관공무원은 검사한다.", "2024. 5. 13. 감사를 실시하였다.", "미화 150달러 미화 200달러"):
        assert not is_furniture(line), line


def test_running_header_repeated_on_most_pages_is_removed() -> None:
    pages = [f"우편물 통관 고시 | 관세청\n제{n}조(보칙 {n}) 기록은 5년간 보관한다.\n{n}" for n in range(1, 5)]
    pages[2] = "제3조(보칙 3) 머리말이 없는 쪽\n3"
    out = strip_furniture(pages)
    assert out[1] == "제2조(보칙 2) 기록은 5년간 보관한다."
    assert out[2] == "제3조(보칙 3) 머리말이 없는 쪽"
    assert all("관세청" not in p for p in out[1:])
    assert out[0].startswith("우편물 통관 고시 | 관세청\n")  # page 1 keeps it: often the title itself


def test_law_go_kr_footer_is_furniture() -> None:
    pages = ["관세법\n제1조(목적) 목적\n법제처 1 국가법령정보센터", "제2조(정의) 정의\n법제처 2 국가법령정보센터"]
    assert strip_furniture(pages) == ["관세법\n제1조(목적) 목적", "제2조(정의) 정의"]


def test_article_lines_repeated_at_page_tops_are_kept() -> None:
    pages = [f"제{n}조(보칙 {n}) 같은 문장이다.\n은 페이지 수를 늘리기 위한 샘플 문장이다." for n in range(1, 5)]
    assert strip_furniture(pages) == pages  # structure and sentences are never furniture, even when they repeat


def test_two_page_document_keeps_repeated_body_lines() -> None:
    pages = ["가. 현황\n내용 하나", "가. 현황\n내용 둘"]
    assert strip_furniture(pages) == pages  # fewer than 3 pages: no running-header guess


def test_markdown_emphasis_and_quotes_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "지침.md"
    path.write_text("# 운영지침(샘플)\n\n> 시험용 샘플입니다.\n\n## 제1장 총칙\n\n"
                    "**제1조(목적)** 이 지침은 __반입차단__ 절차를 정한다.\n\n**제2조(대상)** 목록에 따른다.\n",
                    encoding="utf-8")
    doc = read_text_document(path)
    assert "**" not in "\n".join(b.text for b in doc.blocks)
    recs = statute_records(doc, path.name)
    assert [r.locator for r in recs] == ["제1조", "제2조"]
    assert recs[0].text.endswith("제1조(목적) 이 지침은 반입차단 절차를 정한다.")
    assert recs[0].metadata["law"] == "운영지침(샘플)" and recs[0].metadata["chapter"] == "제1장 총칙"
