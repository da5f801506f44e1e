"""Definitions (정의 조항) found in regulation text and used to expand paraphrasing questions."""

from __future__ import annotations

from assistant.records import Record
from assistant.retrieval.definitions import extract_definitions, table_from_texts
from assistant.retrieval.query import analyze
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings
from assistant.store.index import Index
from assistant.text.korean import tokenize

DEFINITIONS = (
    '제2조(정의) 이 고시에서 쓰는 말의 뜻은 다음과 같다.\n'
    '1. "목록통관"이란 특송업체가 제출한 통관목록으로 수입신고를 갈음하는 통관 방법을 말한다.\n'
    '2. “별송품”이란 여행자가 입국한 후 6개월 이내에 따로 도착하는 물품을 말한다.\n'
    '3. 「반송」이라 함은 도착한 외국물품을 수입통관 없이 다시 외국으로 내보내는 것을 말한다.\n'
    '4. "체화"는 보세구역에 장치기간을 지나도록 남아 있는 물품을 말하며, 매각 대상이 된다.'
)


def test_definition_patterns_quotes_and_endings():
    found = {d.term: d.body for d in extract_definitions(DEFINITIONS)}
    assert set(found) == {"목록통관", "별송품", "반송", "체화"}
    assert found["별송품"].startswith("여행자가 입국한 후")
    assert "장치기간" in found["체화"]


def test_abbreviation_is_a_definition():
    defs = extract_definitions("국내 소비자가 해외 판매자로부터 물품을 직접 사는 해외직접구매(이하 \"직구\"라 한다)는")
    assert [d.term for d in defs] == ["직구"]


def test_a_paraphrase_of_the_definition_adds_the_term():
    table = table_from_texts([DEFINITIONS])
    added = dict(table.expand(tokenize("여행자가 들어온 뒤에 따로 도착하는 짐")))
    assert "별송품" in added and 0 < added["별송품"] <= 1
    # one shared word is not enough
    assert "별송품" not in dict(table.expand(tokenize("여행자 면세 한도")))


def test_expansions_weigh_less_than_typed_words():
    table = table_from_texts([DEFINITIONS])
    q = analyze("여행자가 들어온 뒤에 따로 도착하는 짐", definitions=table)
    weight = dict(zip(q.tokens, q.weights, strict=True))
    assert weight["여행자"] == 1.0
    assert 0 < weight["별송품"] < 1.0
    assert q.typed == [t for t in q.tokens if weight[t] == 1.0 and t in q.typed]


def test_the_defined_article_moves_up_for_a_paraphrase(home):
    """On a real index: the question never says 별송품; its definition brings the article about 별송품 up."""
    from assistant.store.index import SourceRow

    law = "휴대품 고시(샘플)"
    arts = [("제2조", "정의", DEFINITIONS),
            ("제9조", "별송품의 통관", "별송품은 세관에 신고한 것만 휴대품에 준하여 통관한다."),
            ("제5조", "여행자 휴대품 검사", "세관공무원은 여행자가 도착하는 즉시 휴대품을 검사할 수 있다."),
            ("제6조", "여행자 면세 한도", "여행자가 도착할 때 가져오는 물품은 800달러까지 면세한다.")]
    records = [Record("regulation", "휴대품고시.txt", a, f"{law} {a}({t})", text, {"law": law}, ordinal=i)
               for i, (a, t, text) in enumerate(arts)]
    index = Index(Settings(home=home))
    with index.lock(10):
        index.replace_source(SourceRow("/x/휴대품고시.txt", "휴대품고시.txt", "regulation", "s", 1, 4, "", "/x"), records)
    index.sync()
    question = "여행자가 입국하고 나서 따로 도착하는 짐은 어떻게 통관해?"
    q = Retriever(index, Settings(home=home)).analyze(question)
    assert "별송품" in q.tokens and "별송품" not in q.typed

    def scores(tokens, weights=None):
        hits = dict(index.keyword_search(tokens, 10, None, weights))
        return {r.locator: hits.get(r.id, 0.0) for r in records}

    typed, expanded = scores(q.typed), scores(q.tokens, q.weights)
    assert expanded["제9조"] > typed["제9조"] * 1.2  # the article about the defined term gains
    assert expanded["제6조"] == typed["제6조"]  # an article without the term does not
