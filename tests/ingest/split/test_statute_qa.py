"""Statute splitter: law title vs gazette headers, 별표 closed by 부칙, several 부칙, amendment tags."""

from __future__ import annotations

from pathlib import Path

from ingest.document import Block, Document
from ingest.split import unique_locators
from ingest.split.statute import addenda_label, law_title, statute_records, strip_amendment_tags


def doc(text: str, pages: list[int] | None = None) -> Document:
    if pages:
        return Document(Path("d.pdf"), "", [Block(t, page=p) for t, p in zip(text.split("\n\n"), pages, strict=True)], {})
    return Document(Path("d.txt"), "", [Block(text)], {})


def test_title_prefers_the_line_naming_the_document() -> None:
    d = doc("관세청 고시 제2024-99호(샘플) | 전자관보\n우편물 통관 사무처리에 관한 고시(샘플)\n※ 샘플입니다.\n"
            "제1조(목적) 목적을 정한다.")
    assert law_title(d) == "우편물 통관 사무처리에 관한 고시(샘플)"
    d = doc("11/21/26, 1:55 AM 전자관보\n관세법 시행령 [시행 2024. 1. 1.]\n제1조(목적) 목적")
    assert law_title(d) == "관세법 시행령 [시행 2024. 1. 1.]"
    assert law_title(doc("업무 메모\n제1조(목적) 목적")) == "업무 메모"  # no naming line: the first line


def test_addenda_heading_ends_an_annex_in_a_pdf() -> None:
    d = doc("검사 고시(샘플)\n제1조(목적) 목적을 정한다.\n[별표 1] 면세 한도(제1조 관련)\n구분 한도\n일반 150달러"
            "\n\n부칙\n제1조(시행일) 이 고시는 2024년 3월 1일부터 시행한다.", pages=[1, 2])
    recs = {r.locator: r for r in statute_records(d, "d.pdf")}
    assert list(recs) == ["제1조", "별표 1", "부칙 제1조"]
    assert "시행일" not in recs["별표 1"].text and recs["부칙 제1조"].metadata["page"] == 2


def test_several_addenda_get_distinct_locators() -> None:
    d = doc("검사법 시행령(샘플)\n제1조(목적) 목적\n부칙 <제70001호, 2015. 1. 1.>\n제1조(시행일) 2015년 시행\n"
            "제2조(경과조치) 종전 규정\n부칙 <제88002호, 2023. 12. 26.>\n제1조(시행일) 2024년 시행")
    recs = unique_locators(statute_records(d, "d.txt"))
    assert [r.locator for r in recs] == ["제1조", "부칙(2015. 1. 1.) 제1조", "부칙(2015. 1. 1.) 제2조",
                                         "부칙(2023. 12. 26.) 제1조"]
    assert recs[3].title == "검사법 시행령(샘플) 부칙(2023. 12. 26.) 제1조(시행일)"
    assert addenda_label("부칙") == "부칙" and addenda_label("부칙 〈2020-3-1〉") == "부칙(2020. 3. 1.)"


def test_one_addenda_keeps_the_plain_locator() -> None:
    d = doc("관세법(샘플)\n제1조(목적) 목적\n부칙 <제1호, 2024. 12. 20.>\n제1조(시행일) 공포한 날부터 시행")
    assert [r.locator for r in statute_records(d, "d.txt")] == ["제1조", "부칙 제1조"]


def test_amendment_tags_leave_chapter_metadata() -> None:
    d = doc("관세법(샘플)\n제1편 총칙\n제1장 통칙 <개정 2020. 12. 22.>\n제1절 정의 [전문개정 2021. 1. 1.]\n"
            "제1조(목적) 목적 <신설 2018. 6. 30.>")
    rec = statute_records(d, "d.txt")[0]
    assert rec.metadata["chapter"] == "제1편 총칙 > 제1장 통칙 > 제1절 정의"
    assert "<신설 2018. 6. 30.>" in rec.text  # the article text keeps its history
    assert strip_amendment_tags("제2장 검사 〈신설 2019. 1. 1.〉") == "제2장 검사"
    long_tags = "제2장 검사 <개정 2019. 1. 1., 2020. 12. 22., 2023. 12. 26.> [전문개정 2024. 1. 1.]"
    d = doc(f"관세법(샘플)\n{long_tags}\n제5조(검사) 검사한다.")
    assert statute_records(d, "d.txt")[0].metadata["chapter"] == "제2장 검사"


def test_without_a_naming_line_only_the_first_line_can_be_the_title() -> None:
    d = Document(Path("표.hwp"), "표", [Block("보도자료\n배포일시 | 2018. 9. 3. | 담당부서 | 연구정책과\n본문이 이어진다.")], {})
    assert law_title(d) == "보도자료"
    d = Document(Path("표.hwp"), "표", [Block("ABC 123 | DEF | GHI\n가 | 나")], {})
    assert law_title(d) == "표"  # a table row is never the title: the reader's title
