"""Query analysis (synonyms, article and law mentions) and the article-level scoring of the benchmark."""

from __future__ import annotations

import json

import pytest

from assistant.errors import BadInputFile
from assistant.retrieval.evaluate import Question, evaluate, first_rank, load_questions
from assistant.retrieval.hit import article_of
from assistant.retrieval.query import LawNames, analyze, law_key

LAWS = ["관세법_샘플.txt", "수입식품안전관리_특별법_샘플.txt", "수입식품안전관리_특별법_시행규칙_샘플.txt",
        "보세화물_관리에_관한_고시_샘플.md"]


def test_colloquial_words_expand_to_legal_terms():
    q = analyze("청소년이 들고 온 술도 면세돼?")
    assert {"술", "주류", "면세", "면제"} <= set(q.tokens)
    assert q.tokens.index("술") < q.tokens.index("주류")  # originals first
    assert "해외직접구매" in analyze("직구한 영양제").tokens


def test_question_words_are_not_keywords():
    tokens = analyze("과태료는 얼마까지야? 며칠 안에 내?").tokens
    assert "과태료" in tokens and "얼마" not in tokens and "며칠" not in tokens


def test_article_references_in_queries():
    assert analyze("관세법 94조 면세").articles == ["제94조"]
    assert analyze("제10조의 2랑 제3조").articles == ["제10조의2", "제3조"]


def test_law_names_longest_match_and_aliases():
    names = LawNames(LAWS, {"수입식품법": "수입식품안전관리 특별법"})
    assert names.mentioned("수입식품안전관리 특별법 시행규칙 제44조의3") == ["수입식품안전관리_특별법_시행규칙_샘플.txt"]
    assert names.mentioned("수입식품법 제20조") == ["수입식품안전관리_특별법_샘플.txt"]
    assert names.mentioned("보세화물 관리에 관한 고시에서 보세사") == ["보세화물_관리에_관한_고시_샘플.md"]
    assert names.mentioned("면세 한도") == []
    assert law_key("관세법(샘플).pdf") == "관세법"


@pytest.mark.parametrize("loc,art", [("제5조②", "제5조"), ("제10조의2③", "제10조의2"), ("부칙 제1조", "부칙 제1조"),
                                     ("별표 1", "별표 1"), ("p.3", "p.3"), ("행 56", "행 56")])
def test_article_of(loc, art):
    assert article_of(loc) == art


def test_article_level_scoring():
    q = Question("r1", "질문", "관세법_샘플.txt", "제96조")
    assert first_rank(q, [("관세법_샘플.txt", "제94조"), ("관세법_샘플.txt", "제96조②")]) == 2
    assert first_rank(q, [("다른법.txt", "제96조"), ("관세법_샘플.txt", "제96조의2")]) is None
    f = Question("f1", "질문", "a.csv", "행 5")
    assert first_rank(f, [("a.csv", "행 50"), ("a.csv", "행 5")]) == 2


def test_report_metrics_hand_computed():
    qs = [Question(str(i), f"q{i}", "s", "제1조") for i in range(4)]
    answers = {"q0": [("s", "제1조")], "q1": [("s", "제2조"), ("s", "제1조")], "q2": [("s", "제9조")] * 5 + [("s", "제1조")],
               "q3": []}
    report = evaluate("t", qs, lambda text: answers[text])
    assert report.recall(1) == 0.25 and report.recall(5) == 0.5
    assert report.mrr == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    assert len(report.latencies_ms) == 4 and report.to_json()["questions"] == 4


def test_question_file_errors_name_the_line(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text(json.dumps({"id": "1", "question": "q", "source": "s", "locator": "제1조"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(BadInputFile) as err:
        load_questions(p)
    assert "2번째 줄" in str(err.value)


def test_laws_named_by_a_part_or_an_abbreviation_of_their_name():
    names = LawNames(["국제우편물_통관_사무처리에_관한_고시_샘플.txt", "지식재산권_보호_수출입통관_고시_샘플.txt",
                      "수출통관_사무처리에_관한_고시_샘플.pdf", "관세법_샘플.txt"])
    assert names.mentioned("국제우편 고시 7조에는 뭐가 나와?") == ["국제우편물_통관_사무처리에_관한_고시_샘플.txt"]
    assert names.mentioned("지재권 통관 고시 9조 알려 줘") == ["지식재산권_보호_수출입통관_고시_샘플.txt"]
    # a generic law word alone names nothing, and neither does a word with no law-type word after it
    assert names.mentioned("통관 고시 9조") == []
    assert names.mentioned("국제우편으로 온 소포") == []


def test_laws_named_by_their_everyday_name_through_the_vocabulary():
    sources = ["보세판매장_운영에_관한_고시_샘플.md", "국제우편물_통관_사무처리에_관한_고시_샘플.txt",
               "특송물품_수입통관_사무처리에_관한_고시_샘플.pdf", "관세법_샘플.txt"]
    table = {"면세점": ["보세판매장", "출국장면세점"], "소포": ["특송물품", "우편물", "소포우편물"]}
    names = LawNames(sources, expand=lambda w: table.get(w, []))
    assert names.mentioned("면세점 고시 8조 뭐라고 돼 있어?") == ["보세판매장_운영에_관한_고시_샘플.md"]
    # an everyday word that stands for words of two laws names both (a tie), in the order of the query's spans
    assert set(names.mentioned("소포 고시 10조")) == {sources[1], sources[2]}
    # no law-type word after it: nothing; without the vocabulary the everyday name names nothing
    assert names.mentioned("면세점에서 산 가방") == []
    assert LawNames(sources).mentioned("면세점 고시 8조") == []
    # a word of a law's own name still wins over an everyday reading
    assert names.mentioned("국제우편 고시 7조") == [sources[1]]


def test_typo_nouns_are_corrected_only_into_words_the_index_knows():
    from assistant.retrieval.query import correct_typos

    index_words = {"세관", "신고", "휴대품", "면세"}
    assert correct_typos("새관에 신고 안 한 휴대픔", index_words.__contains__) == "세관에 신고 안 한 휴대품"
    # the index holds the typed word too: left as typed; the corrected word unknown: left as typed
    assert correct_typos("새관에 신고", lambda t: True) == "새관에 신고"
    assert correct_typos("새관에 신고", lambda t: t == "신고") == "새관에 신고"
    q = analyze("면새 범위가 얼마야?", known=index_words.__contains__)
    assert "면세" in q.typed and q.text.startswith("면세 범위")


def test_everyday_words_add_weighted_administrative_words():
    q = analyze("공짜로 들여올 수 있는 양이 얼마야?")
    weight = dict(zip(q.tokens, q.weights, strict=True))
    assert "면세" in weight and 0 < weight["면세"] < 1.0
    assert all(weight[t] == 1.0 for t in q.typed)
