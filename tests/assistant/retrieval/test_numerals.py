"""Native numerals with a counter ("네 번", "두 달") meet the rules' digit forms (4회, 2개월)."""

from __future__ import annotations

import pytest
from retrieval_helpers import FakeIndex, reg

from assistant.retrieval.numerals import digit_forms
from assistant.retrieval.query import analyze
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings


@pytest.mark.parametrize(("text", "forms"), [
    ("1년에 네 번이나 멈추게 한 창고", ["4회", "4번"]),
    ("세 번째 걸린 여행객", ["3회", "3번"]),
    ("두번이나 안 냈어", ["2회", "2번"]),
    ("석 달 넘게, 한 보루씩", ["3개월", "1보루"]),
    ("열두 병, 스무 개, 열한 명", ["12병", "20개", "11명"]),
    ("두 달간 세 주", ["2개월", "3주"]),
    ("두세 번, 서너 병", ["2회", "2번", "3회", "3번", "3병", "4병"]),
    ("이틀 안에, 나흘 뒤, 하루 만에", ["2일", "4일", "1일"]),
])
def test_native_numerals_before_a_counter_get_their_digit_form(text, forms):
    assert digit_forms(text) == forms


@pytest.mark.parametrize("text", [
    "세관에 네가 낸 서류",  # 세 of 세관, 네 a pronoun
    "두통약과 열대 과일, 열병",  # a numeral syllable glued to a noun that is no counter
    "세 달러짜리, 네 번지",  # the counter runs on into another noun
    "관세 한도를 대한 무역",  # inside a word
    "하루종일 이레네 가게",  # a day word running on into another noun
])
def test_words_that_only_look_like_a_count_add_nothing(text):
    assert digit_forms(text) == []


def test_the_query_carries_the_digit_form_at_full_weight():
    q = analyze("1년에 세 번 무시하면?")
    assert "3회" in q.tokens and q.weights[q.tokens.index("3회")] == 1.0
    assert "3회" not in q.typed


def test_a_count_in_words_finds_the_article_that_states_it_in_digits():
    law, src = "폐기 및 반송명령 사무처리에 관한 고시(샘플)", "폐기_고시.txt"
    records = [
        reg(src, law, "제13조", "명령 불이행에 대한 조치", "폐기명령을 2회 이행하지 아니한 운영인에게 경고한다."),
        reg(src, law, "제14조", "명령 불이행에 대한 조치", "폐기명령을 연간 3회 이상 이행하지 아니한 운영인의 반입을 정지한다."),
        reg(src, law, "제15조", "보고", "세관장은 명령 불이행 현황을 매 분기 보고한다."),
    ]
    retriever = Retriever(FakeIndex(records), Settings())
    assert retriever.search("폐기명령을 1년에 세 번 이행 안 하면?", k=3)[0].locator == "제14조"
    assert retriever.search("폐기명령을 두 번 이행 안 하면?", k=3)[0].locator == "제13조"
