"""The Retriever over an in-memory index with the real channel contract (see conftest.FakeIndex)."""

from __future__ import annotations

import pytest

from assistant.retrieval.filters import Filters
from assistant.retrieval.retriever import HASHED_DENSE_SCALE, Retriever
from assistant.settings import Settings


def make(fake_index, **retrieval):
    settings = Settings(retrieval=retrieval) if retrieval else Settings()
    return Retriever(fake_index, settings)


def test_colloquial_question_finds_the_article(fake_index):
    hits = make(fake_index).search("청소년이 들고 온 술도 면세돼?", k=3)
    assert hits[0].locator.startswith("제96조")
    assert hits[0].kind == "regulation"


def test_a_typo_in_a_noun_still_finds_the_article(fake_index):
    r = make(fake_index)
    assert r.analyze("여행자 휴대픔 면새 한도").text == "여행자 휴대품 면세 한도"
    assert r.search("여행자 휴대픔 면새 한도", k=1)[0].locator == "제96조"


def test_paragraph_chunks_of_one_article_are_merged(fake_index):
    hits = make(fake_index).search("여행자 휴대품 면세 800달러 주류 2병", k=5)
    top = hits[0]
    assert top.locator == "제96조"  # merged: ① and ② together
    assert len(top.ids) == 2 and "800달러" in top.text and "궐련" in top.text
    assert top.metadata["merged_locators"] == "제96조①, 제96조②"
    assert top.text.count("관세법(샘플) 제96조") == 1
    assert sum(1 for h in hits if h.source == top.source and h.article == "제96조") == 1


def test_named_article_is_boosted(fake_index):
    r = make(fake_index)
    assert r.search("관세법 241조 내용", k=1)[0].locator == "제241조"
    # 제94조 is also cited inside 제241조; the article itself comes first
    assert r.search("94조", k=1)[0].locator == "제94조"


def test_named_law_prefers_that_law(fake_index):
    hits = make(fake_index).search("보세화물 관리에 관한 고시 보세사", k=3)
    assert hits[0].source == "보세화물_관리에_관한_고시_샘플.md"


def test_filters_reach_both_channels_and_results(fake_index):
    r = Retriever(fake_index, Settings(embedding={"model": "/models/some-sentence-model"}))
    f = Filters(kinds=["finding"], year_from=2023)
    hits = r.search("보세사 공백 방치 특송 목록통관", k=5, filters=f)
    assert [h.locator for h in hits] == ["지적 2"]
    assert ("keyword", f) in fake_index.calls and ("vector", f) in fake_index.calls


def test_officer_never_sees_findings(fake_index):
    r = make(fake_index)
    hits = r.search("보세사 공백을 방치한 사례", k=10, filters=Filters.for_role("officer"))
    assert hits and all(h.kind != "finding" for h in hits)
    auditor = r.search("보세사 공백을 방치한 사례", k=10, filters=Filters.for_role("auditor"))
    assert auditor[0].kind == "finding"


def test_safety_net_drops_records_a_channel_let_through(fake_index):
    class Leaky(type(fake_index)):
        def keyword_search(self, tokens, k, filters=None, weights=None):
            return super().keyword_search(tokens, k, None, weights)  # ignores filters (a broken channel)

    leaky = Leaky(list(fake_index.records.values()))
    hits = Retriever(leaky, Settings()).search("보세사 방치 사례", k=10, filters=Filters.for_role("officer"))
    assert all(h.kind != "finding" for h in hits)


def test_hashed_dense_channel_is_down_weighted(fake_index):
    assert make(fake_index).dense_weight() == pytest.approx(HASHED_DENSE_SCALE) and HASHED_DENSE_SCALE < 0.1
    with_model = Retriever(fake_index, Settings(embedding={"model": "/models/x"}, retrieval={"weight_dense": 0.7}))
    assert with_model.dense_weight() == pytest.approx(0.7)
    # misspelt words the keyword channel cannot match are still found through the dense channel
    hits = make(fake_index).search("보세구엯 반입싱고", k=3)
    assert hits and ("vector", None) in fake_index.calls


def test_dense_weight_zero_skips_the_vector_channel(fake_index):
    make(fake_index, weight_dense=0.0).search("보세구역 반입 신고", k=3)
    assert not any(c[0] == "vector" for c in fake_index.calls)


def test_empty_query_and_k(fake_index):
    r = make(fake_index)
    assert r.search("   ") == []
    assert len(r.search("관세 면제 신고", k=2)) == 2


def test_hit_json_has_contract_fields(fake_index):
    data = make(fake_index).search("보세구역 반입 신고", k=1)[0].to_json()
    for key in ("source", "locator", "title", "kind", "score", "text", "metadata"):
        assert key in data


def test_named_article_inside_named_law_is_not_crowded_out(sample_records):
    from retrieval_helpers import FakeIndex, reg

    # 30 other documents cite 제20조 and repeat the query's words more often than the target does
    citing = [reg(f"고시{n}.txt", f"고시{n}", f"제{300 + n}조", "준용", "수입식품 수입식품 수입식품 수입 식품 제20조 제20조 제20조를 준용한다.")
              for n in range(30)]
    index = FakeIndex(sample_records + citing)
    retriever = Retriever(index, Settings(retrieval={"candidates": 5, "weight_dense": 0.0}))
    hits = retriever.search("수입식품법 20조 수입식품", k=3)
    assert (hits[0].source, hits[0].locator) == ("수입식품안전관리_특별법_샘플.txt", "제20조")


def test_k_larger_than_the_candidate_pool(fake_index):
    hits = make(fake_index, candidates=2).search("관세 신고 보세 면제", k=6)
    assert len(hits) >= 5


def test_a_question_asking_for_a_period_prefers_the_article_that_states_one():
    from assistant.records import Record
    from assistant.retrieval.retriever import answer_type_order

    recs = {
        "a": Record("regulation", "고시.txt", "제5조", "제5조(신고)", "운영인은 반입 사실을 세관장에게 신고하여야 한다.", {}),
        "b": Record("regulation", "고시.txt", "제6조", "제6조(신고 기한)", "운영인은 반입한 날부터 30일 이내에 신고하여야 한다.", {}),
        "c": Record("regulation", "고시.txt", "제7조", "제7조(과태료)", "위반한 자에게는 200만원 이하의 과태료를 부과한다.", {}),
    }
    hits = [("a", 10.0), ("b", 9.0), ("c", 8.5)]
    assert answer_type_order(hits, recs, "반입하면 며칠 안에 신고해야 돼?")[0] == "b"
    assert answer_type_order(hits, recs, "신고 안 하면 과태료 얼마야?")[0] == "c"
    # no answer type asked: the keyword order stands
    assert answer_type_order(hits, recs, "반입 신고는 누가 해?") == ["a", "b", "c"]


def test_a_question_about_what_a_regulation_is_for_gets_its_purpose_article():
    from assistant.records import Record
    from assistant.retrieval.retriever import answer_type_order

    recs = {
        "def": Record("regulation", "고시.txt", "제2조", "제2조(정의)",
                      "이 고시에서 \"국제우편물\"이란 우체국을 통하여 외국과 주고받는 우편물을 말한다.", {}),
        "aim": Record("regulation", "고시.txt", "제1조", "제1조(목적)",
                      "이 고시는 국제우편물의 통관 절차를 정하는 것을 목적으로 한다.", {}),
        "box": Record("regulation", "고시.txt", "제7조", "제7조(검사)", "세관공무원은 우편물을 검사할 수 있다.", {}),
    }
    hits = [("def", 10.0), ("box", 7.0), ("aim", 6.0)]  # the definitions article shares most words with the question
    assert answer_type_order(hits, recs, "외국 소포를 다루는 규정은 뭘 하려고 만든 거예요?")[0] == "aim"
    assert answer_type_order(hits, recs, "이 고시의 목적이 뭐야?")[0] == "aim"
    # "만든" or "목적" about something else: no purpose asked
    for q in ("어디서 만든 물건인지 우편물에 적어야 해?", "규정상 판매 목적이면 우편물로 못 받아?", "법적으로 만든 사람이 책임져?"):
        assert answer_type_order(hits, recs, q) == ["def", "box", "aim"], q


def test_findings_whose_year_and_office_the_question_names_rank_first():
    from assistant.records import Record
    from assistant.retrieval.retriever import finding_cue_rank

    def finding(i, year, agency, dept):
        return Record("finding", "사례.csv", f"행 {i}", f"지적 {i}", "반입신고 지연 과태료 미부과",
                      {"year": year, "agency": agency, "department": dept})

    recs = {"a": finding(1, 2023, "부산세관", "화물관리과"), "b": finding(2, 2024, "인천세관", "화물관리과"),
            "c": finding(3, 2024, "부산세관", "심사과"),
            "r": Record("regulation", "고시.txt", "제5조", "제5조", "2024년 부산세관", {})}
    order = ["a", "b", "c", "r"]
    assert finding_cue_rank("2024년 부산세관에서 과태료를 안 매긴 사례", order, recs) == ["c", "a", "b"]
    assert finding_cue_rank("과태료를 안 매긴 사례", order, recs) == []
