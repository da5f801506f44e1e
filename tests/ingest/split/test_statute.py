"""Statute splitter: 편/장/절, 제N조의M, cross-references, 삭제, 부칙, 별표, long articles → 항."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import Block, Document
from ingest.split.statute import MAX_CHARS, doc_type_of, law_title, statute_records

LAW = """관세법(샘플)
[시행 2025. 1. 1.] [샘플 법률 제1호]

제1편 총칙
제1장 통칙
제1조(목적) 이 법은 관세에 관하여 정한다.
제2조(정의) 이 법에서 쓰는 말의 뜻은 다음과 같다.
1. "수입"이란 외국물품을 들여오는 것을 말한다.
제3조 삭제 <2019. 12. 31.>
제2장 통관
제1절 신고
제10조(신고) ① 물품을 수입하려면 세관장에게 신고하여야 한다.
제5조에 따른 신고는 전자문서로 한다.
제2조(정의)에 따른 수입물품도 같다.
제2조(정의) 및 제3조에 따른 신고도 같다.
② 신고의 방법은 대통령령으로 정한다.
제10조의2(신고의 취하) 신고인은 세관장의 승인을 받아 신고를 취하할 수 있다.
제11조(벌칙) 삭제
제2편 벌칙
제20조(과태료) 제10조를 위반한 자에게는 과태료를 부과한다.
부칙 <제1호, 2024. 12. 20.>
제1조(시행일) 이 법은 2025년 1월 1일부터 시행한다.
제2조(경과조치) 이 법 시행 전의 신고는 종전의 규정에 따른다.
[별표 1] 자가사용 인정기준(제10조 관련)
품목 | 인정 기준
건강기능식품 | 6병 이하
"""


def doc_of(text: str, name: str = "관세법_샘플.txt", pages: list[int] | None = None) -> Document:
    blocks = [Block(line, page=(pages[i] if pages else None)) for i, line in enumerate(text.splitlines())]
    return Document(Path(name), Path(name).stem, blocks, {"format": "txt"})


def by_locator(records):
    return {r.locator: r for r in records}


def test_articles_chapters_and_metadata():
    recs = by_locator(statute_records(doc_of(LAW), "관세법_샘플.txt"))
    assert list(recs) == ["제1조", "제2조", "제10조", "제10조의2", "제20조", "부칙 제1조", "부칙 제2조", "별표 1"]
    r = recs["제10조"]
    assert r.kind == "regulation" and r.source == "관세법_샘플.txt"
    assert r.metadata["law"] == "관세법(샘플)" and r.metadata["doc_type"] == "법률"
    assert r.metadata["chapter"] == "제1편 총칙 > 제2장 통관 > 제1절 신고"
    assert r.metadata["article"] == "제10조" and r.metadata["article_title"] == "신고"
    assert r.title == "관세법(샘플) 제10조(신고)"
    assert r.text.startswith("관세법(샘플) 제10조(신고) ① 물품을")
    assert recs["제10조의2"].metadata["article"] == "제10조의2"
    # a new 편 resets 장/절
    assert recs["제20조"].metadata["chapter"] == "제2편 벌칙"
    assert recs["제1조"].metadata["chapter"] == "제1편 총칙 > 제1장 통칙"


def test_cross_references_at_line_start_do_not_split():
    r = by_locator(statute_records(doc_of(LAW), "x.txt"))["제10조"]
    assert "제5조에 따른 신고는 전자문서로 한다." in r.text
    assert "제2조(정의)에 따른 수입물품도 같다." in r.text
    assert "제2조(정의) 및 제3조에 따른 신고도 같다." in r.text
    assert "② 신고의 방법은" in r.text


def test_deleted_articles_skipped():
    locators = [r.locator for r in statute_records(doc_of(LAW), "x.txt")]
    assert "제3조" not in locators and "제11조" not in locators
    assert not any("삭제" == r.text.split()[-1] for r in statute_records(doc_of(LAW), "x.txt"))


def test_addenda_and_annex():
    recs = by_locator(statute_records(doc_of(LAW), "x.txt"))
    add = recs["부칙 제1조"]
    assert add.metadata["article"] == "제1조" and add.metadata["chapter"].startswith("부칙")
    assert add.title == "관세법(샘플) 부칙 제1조(시행일)"
    assert recs["제1조"].text != add.text and recs["제1조"].id != add.id
    annex = recs["별표 1"]
    assert annex.title == "관세법(샘플) 별표 1 자가사용 인정기준(제10조 관련)"
    assert "건강기능식품 | 6병 이하" in annex.text


def test_addenda_without_articles():
    text = "관세법\n제1조(목적) 목적을 정한다.\n부칙\n이 법은 공포한 날부터 시행한다.\n"
    recs = by_locator(statute_records(doc_of(text), "x.txt"))
    assert "공포한 날부터" in recs["부칙"].text


def test_long_article_splits_on_paragraphs_keeping_number():
    body = "\n".join(f"{mark} " + "세관장은 이 조에 따른 신고를 심사하여야 한다. " * 12 for mark in "①②③④")
    text = f"관세법\n제5조(심사) {body}\n제6조(기타) 짧은 조문."
    recs = statute_records(doc_of(text), "x.txt")
    five = [r for r in recs if r.metadata.get("article") == "제5조"]
    assert [r.locator for r in five] == ["제5조①", "제5조②", "제5조③", "제5조④"]
    assert all(r.title == "관세법 제5조(심사)" for r in five)
    assert five[1].text.startswith("관세법 제5조(심사) ② 세관장은")
    assert five[1].metadata["paragraph"] == "②"
    assert all(len(r.text) <= MAX_CHARS + 100 for r in five)
    assert len({r.id for r in recs}) == len(recs)


def test_pages_and_page_ranges():
    text = "관세법\n제1조(목적) 첫 줄\n둘째 줄\n제2조(정의) 정의"
    recs = statute_records(doc_of(text, pages=[1, 1, 2, 3]), "x.pdf")
    assert recs[0].metadata["page"] == 1 and recs[0].metadata["pages"] == "1-2"
    assert recs[1].metadata["pages"] == "3"


def test_document_without_articles_chunks_by_page():
    text = "업무 메모\n특송물품은 목록통관 대상인지 먼저 확인한다.\n건강기능식품은 6병까지 자가사용으로 본다."
    recs = statute_records(doc_of(text, pages=[1, 1, 2]), "memo.pdf")
    assert [r.locator for r in recs] == ["p.1", "p.2"]
    assert recs[0].metadata["law"] == "업무 메모" and recs[0].text.startswith("업무 메모 ")
    assert "6병" in recs[1].text


def test_title_falls_back_to_file_name_and_doc_types():
    doc = Document(Path("내부지침.txt"), "", [Block("제1조(목적) 이 지침은 업무를 정한다.")], {})
    assert law_title(doc) == "내부지침"
    assert doc_type_of("관세법 시행령") == "시행령"
    assert doc_type_of("수입통관 사무처리에 관한 고시(샘플)") == "고시"
    assert doc_type_of("수입식품안전관리 특별법 시행규칙") == "시행규칙"
    assert doc_type_of("관세법(샘플)") == "법률"


def test_no_title_article_heading_and_markdown_headings():
    text = ("# 보세화물 관리에 관한 고시\n## 제1장 총칙\n제1조 이 고시는 보세화물 관리를 정한다.\n"
            "제2조 및 제3조에 따른 절차는 별도로 정한다.\n제250조 규정에 따른 신고도 같다.")
    recs = statute_records(doc_of(text, "b.md"), "b.md")
    assert [r.locator for r in recs] == ["제1조"]
    assert recs[0].metadata["law"] == "보세화물 관리에 관한 고시"
    assert recs[0].metadata["chapter"] == "제1장 총칙"
    assert "제2조 및 제3조에 따른" in recs[0].text and "제250조 규정에 따른" in recs[0].text


def test_ids_stable_across_runs():
    a = [r.id for r in statute_records(doc_of(LAW), "x.txt")]
    b = [r.id for r in statute_records(doc_of(LAW), "x.txt")]
    assert a == b and len(set(a)) == len(a)


def test_sample_corpus_articles(corpora):
    from ingest.readers import read_document

    folder = corpora / "regulations"
    files = [p for p in sorted(folder.iterdir())
             if p.suffix in (".txt", ".md", ".pdf", ".hwpx") and not p.name.upper().startswith("README")]
    if not files:
        import pytest

        pytest.skip("corpora/regulations not present")
    for p in files:
        recs = statute_records(read_document(p), p.name)
        assert recs, p
        assert all(r.metadata["law"] and "(샘플)" in r.metadata["law"] for r in recs), p
        assert len({r.id for r in recs}) == len(recs)


def test_overlong_line_is_cut_into_records():
    text = "업무 메모\n" + "세관장은 물품을 검사한다. " * 2000  # one 30,000-character line, no articles
    recs = statute_records(doc_of(text), "memo.txt")
    assert len(recs) > 10 and all(len(r.text) <= MAX_CHARS + 50 for r in recs)
    assert "".join(r.text.removeprefix("업무 메모 ") for r in recs).replace(" ", "") == \
        ("세관장은 물품을 검사한다. " * 2000).replace(" ", "")


@settings(max_examples=200, deadline=2000)
@given(st.lists(st.text(alphabet=st.sampled_from(list("제1조2의()장절편관①②삭부칙별표 가나다.\n|<>")), max_size=60),
                max_size=30))
def test_statute_splitter_never_crashes(lines):
    recs = statute_records(doc_of("\n".join(lines) or " "), "fuzz.txt")
    assert len({r.id for r in recs}) == len(recs)
    assert all(r.text.strip() and r.locator for r in recs)


def test_table_of_contents_and_law_go_kr_annex_heading():
    text = ("수입통관 사무처리에 관한 고시\n목차\n제1조(목적) ··········· 1\n제2조(정의) ··········· 1\n"
            "제1조(목적) 이 고시는 수입통관 절차를 정한다.\n제2조(정의) 이 고시에서 쓰는 말의 뜻은 다음과 같다.\n"
            "■ 수입통관 사무처리에 관한 고시 [별표 1] 자가사용 인정기준\n건강기능식품 | 6병\n")
    recs = statute_records(doc_of(text), "x.txt")
    assert [r.locator for r in recs] == ["제1조", "제2조", "별표 1"]
    assert "수입통관 절차" in recs[0].text and "6병" in recs[2].text


def test_one_line_document_is_still_a_record():
    (r,) = statute_records(doc_of("sssd"), "note.hwp")
    assert r.locator == "p.1" and "sssd" in r.text
    assert statute_records(Document(Path("blank.hwp"), "blank", [], {}), "blank.hwp") == []


def test_law_go_kr_page_furniture_is_not_the_title():
    text = "법제처                                                            1                                                       국가법령정보센터\n관세법\n제1조(목적) 목적을 정한다."
    assert statute_records(doc_of(text), "x.pdf")[0].metadata["law"] == "관세법"
