"""The everyday → administrative vocabulary (생활어 → 행정어): the shipped file is clean, and its phrases
match real Kiwi output of everyday questions (negation, adverbs, joined verbs) without firing on look-alikes."""

from __future__ import annotations

import collections
import json
import logging

import pytest
import yaml

from assistant.errors import ConfigError
from assistant.retrieval import vocabulary_compiled as compiled
from assistant.retrieval.vocabulary import (
    NEGATION,
    VOCABULARY,
    admin_tokens,
    load_vocabulary,
    parse,
    phrase_tokens,
    query_tokens,
)
from assistant.text.korean import tokenize


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def test_shipped_file_loads_clean(vocab):
    assert vocab.problems == (), "\n".join(vocab.problems)
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    entries = [e for items in data["entries"].values() for e in items]
    assert 1500 <= len(entries) <= 1750
    assert all(e.requires and e.adds for e in vocab.expansions)
    # every entry kept at least one of its plain forms (none silently lost to weak tokens)
    kept = collections.Counter((e.category, e.adds) for e in vocab.expansions)
    assert len(kept) >= len(entries) * 0.98
    assert len(vocab.synonym_groups) >= 50 and all(len(g) >= 2 for g in vocab.synonym_groups)


def test_no_duplicate_plain_keys():
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    plains = [" ".join(p.split()) for items in data["entries"].values() for e in items for p in e["plain"]]
    dupes = [p for p, n in collections.Counter(plains).items() if n > 1]
    assert dupes == []


@pytest.mark.parametrize("query,expected", [
    ("공짜로 들여올 수 있는 양이 얼마예요?", {"면세"}),
    ("사진을 안 남겨서 지적받았어요", {"기록", "미보존"}),
    ("처분하라는데 안 하면 어떻게 돼요", {"불이행"}),
    ("계속 같은 걸 받는 사람", {"반복", "수취인"}),
    ("골드바 몰래 들여오다 잡혔어요", {"밀수입", "적발"}),
    ("기한 넘겨서 신고하면", {"경과"}),
    ("세관 직원이 업체를 봐줬어요", {"특혜"}),
    ("술은 몇 병까지 가져와도 되나요", {"주류", "한도", "반입"}),
    ("검사를 대충 했다", {"소홀"}),
    ("외국에서 온 소포를 아무도 안 찾아가요", {"체화"}),
])
def test_everyday_questions_gain_admin_words(vocab, query, expected):
    assert expected <= set(vocab.expand(query))


@pytest.mark.parametrize("query,expected", [
    # the second 500 entries: storage, documents, origin, strategic goods, post, cash, objections, holding,
    # costs, food safety, machines, drawback, debt collection, purpose and scope
    ("창고에 물건을 얼마나 오래 둘 수 있어요?", {"장치기간", "보관기간"}),
    ("재고를 세어 보니 장부랑 안 맞아요", {"재고조사", "불일치", "과부족"}),
    ("원산지 스티커를 떼고 팔았어요", {"원산지표시", "훼손"}),
    ("군사용으로도 쓰는 부품을 수출하려고요", {"전략물자", "이중용도품목", "부분품"}),
    ("우체국에서 소포 찾으러 오래요", {"통관우체국"}),
    ("현금 얼마까지 들고 나갈 수 있어요", {"지급수단", "휴대반출", "신고기준"}),
    ("처분 전에 해명할 기회가 있나요", {"소명", "의견제출"}),
    ("세관에 묶여 있는 물건 언제 풀려요", {"통관보류", "유치", "해제"}),
    ("폐기 비용은 누가 내요", {"폐기비용", "부담"}),
    ("상한 음식을 팔았어요", {"부패", "변질", "식품"}),
    ("엑스레이에 걸렸어요", {"엑스선", "판독"}),
    ("수출하면 원재료 세금 돌려받을 수 있나요", {"관세환급", "수출용원재료"}),
    ("세금 밀려서 통장 압류당했어요", {"체납", "강제징수"}),
    ("이 고시는 무엇을 위해 만든 건가요", {"목적", "취지"}),
    ("이 규정은 어디까지 적용돼요", {"적용범위"}),
    ("정당한 이유 없이 안 나왔어요", {"사유"}),  # 정당한 사유, as statutes write it
    ("이의신청 기간이 지났어요", {"청구기간", "불복기간", "경과"}),
    ("신고한 것보다 많이 들어왔어요", {"초과", "과부족"}),
])
def test_second_batch_everyday_questions_gain_admin_words(vocab, query, expected):
    assert expected <= set(vocab.expand(query))


@pytest.mark.parametrize("query,expected", [
    # the third batch: counter and courier talk, audit-report wording, duty-free, food import, deadlines
    ("세관에서 서류를 더 내라고 연락이 왔어요", {"보완요구", "보정"}),
    ("같은 사람이 여러 번 나눠서 직구했어요", {"동일인", "분할반입", "합산과세"}),
    ("친구 부탁으로 가방을 들고 왔어요", {"운반책", "타인"}),
    ("면세품을 국내에 되팔았어요", {"부정유출", "부정유통"}),
    ("보세사가 퇴사했는데 새로 안 뽑았다", {"미채용"}),
    ("반입 신고를 늦게 해서", {"반출입신고", "지연"}),
    ("가산세를 빠뜨리고 부과하지 않았다", {"미부과"}),
    ("심사를 대충 해서 세액을 적게 부과했다", {"소홀", "부적정"}),
    ("세금을 늦게 고지했다", {"납부고지", "지연"}),
    ("환급은 언제 들어오나요", {"환급금", "지급"}),
    ("택배 주소를 잘못 적어서 반송됐어요", {"수취인", "불능"}),
    ("중고차를 수출하려면", {"중고자동차", "말소등록"}),
    ("처방전 없이 약을 가져왔어요", {"전문의약품", "미소지"}),
    ("원산지 표시가 포장에만 있어요", {"표시방법"}),
    ("부적합 받으면 어떻게 되나요", {"반송", "폐기"}),
])
def test_third_batch_everyday_questions_gain_admin_words(vocab, query, expected):
    assert expected <= set(vocab.expand(query))


def test_third_batch_keeps_to_its_sense(vocab):
    # a deadline in days is not a declaration date, a 수출 question is not 수입하자마자 수출
    assert "기산일" not in vocab.expand("수출 신고하고 30일 안에 실어야 하나요")
    assert "재수출" not in vocab.expand("원재료를 수입해서 가공한 뒤 수출하면")
    # 세관에 신고 alone says nothing about import: no 수입신고 added
    assert "수입신고" not in vocab.expand("세관에 신고해야 하나요")
    # negation decides: signing is not a missing signature
    assert "미서명" not in vocab.expand("서명하고 도장을 찍었다")
    assert "미서명" in vocab.expand("서명도 안 하고 넘겼다")


def test_negation_decides_in_the_second_batch(vocab):
    # the omission entries fire only when the question says it was not done
    for done, not_done, omission in [
        ("원산지 표시를 했어요", "원산지 표시를 안 했어요", "미표시"),
        ("수출 신고하고 배에 실었어요", "수출 신고하고 배에 안 실었어요", "미이행"),
        ("검역 받고 고기를 가져왔어요", "검역 안 받고 고기를 가져왔어요", "미검역"),
        ("수출하고 팔았어요", "수출 안 하고 팔았어요", "미수출"),
    ]:
        assert omission not in vocab.expand(done), done
        assert omission in vocab.expand(not_done), not_done
    # quantity: fewer than declared is a shortage, never an excess
    fewer = set(vocab.expand("신고한 것보다 적게 들어왔어요"))
    assert "부족분" in fewer and "초과" not in fewer


def test_common_words_do_not_drag_in_one_sense(vocab):
    # 규정 alone no longer means "done by the rules" (적법), 처분 alone no longer means "throw away" (폐기)
    assert "적법" not in vocab.expand("이 규정은 어디까지 적용돼요")
    assert "폐기" not in vocab.expand("과태료 처분을 받았어요")
    # 몇 년 is a duration, not a car's model year; 지적재산권 is not an audit finding (지적)
    assert "연식" not in vocab.expand("몇 년 동안 보관해야 하나요")
    ip = set(vocab.expand("지적재산권 침해 물품"))
    assert "지식재산권" in ip and "감사결과" not in ip
    # misread forms were kept out: 이사 + 지다, 신고 read as 신다, 세 번 read as 세번
    assert "직무" not in vocab.expand("세 번 걸리면 어떻게 돼요")
    assert "품목분류" not in vocab.expand("세 번 걸렸어요")


def test_negation_decides(vocab):
    kept = set(vocab.expand("사진을 남겨 두었다"))
    assert "기록" in kept and "미보존" not in kept
    assert "미신고" in vocab.expand("신고 안 하고 들여왔어요")
    assert "미신고" not in vocab.expand("신고하고 들여왔어요")
    # 안 as a noun (inside) is not negation: "며칠 안에" is a deadline, not an omission
    within = set(vocab.expand("며칠 안에 신고해야 하나요"))
    assert "이내" in within and "미신고" not in within


def test_adverbs_are_cues_not_search_words(vocab):
    assert "몰래" not in tokenize("몰래 들여오다")  # BM25 drops adverbs …
    assert "밀수입" in vocab.expand("몰래 들여오다")  # … the vocabulary still sees them
    assert "밀수입" not in vocab.expand("들여오다")
    assert not set(vocab.expand("몰래 들여오다")) & {NEGATION, "몰래"}  # cues are never added as search words


def test_joined_verb_matches_however_kiwi_splits_it(vocab):
    # Kiwi reads "또 들여왔다" as 들이+어+오 but "또 들여오면" as 들여오; both are the same phrase
    assert "들여오다" not in tokenize("또 들여왔다")
    for query in ("또 들여왔다", "또 들여오면"):
        assert "재반입" in vocab.expand(query), query
    assert phrase_tokens("또 들여오다") == frozenset({"또", "들여오다"})
    assert "봐주다" in query_tokens("한 번만 봐 주세요")


def test_ambiguous_words_do_not_fire_alone(vocab):
    assert vocab.expand("배가 아파요") == []  # 배 (ship / belly / pear) is only a key inside phrases
    assert vocab.expand("안 했어요") == []
    assert "하역" in vocab.expand("짐 내리다") and "하역" not in vocab.expand("결정을 내리다")


def test_admin_words_read_as_documents_read_them():
    assert admin_tokens("서면") == ["서면"]  # bare, Kiwi reads 서다
    assert admin_tokens("금") == ["금"]  # bare, Kiwi reads 긋다
    assert admin_tokens("폐기명령") == ["폐기명령"] and admin_tokens("폐기 명령") == ["폐기", "명령"]
    assert admin_tokens("신고하지 아니한") == []  # 아니한 yields no token: such a term would add only 신고
    # a 하다 adjective is read as statutes read it, from its own root: not an invented verb
    assert admin_tokens("정당한 사유") == ["정당하다", "사유"] == tokenize("정당한 사유 없이 반출한 자")[:2]


def _entries(*items):
    return {"entries": {"test": list(items)}}


def test_validator_reports_weak_duplicate_and_unreadable_entries(tmp_path):
    v = parse(_entries(
        {"plain": ["안 하다", "더 내다", "공짜"], "admin": ["면세"]},
        {"plain": ["공짜", "무료로"], "admin": ["면제"]},
        {"plain": ["무료"], "admin": ["비과세"]},
        {"plain": ["버리다"], "admin": ["폐기", "신고하지 아니한"]},
    ), tmp_path / "v.yaml")
    problems = "\n".join(v.problems)
    assert "'안 하다'" in problems and "'더 내다'" in problems  # tokens: (부정) / 더 + 내다 only
    assert "entries.test[1]: '공짜'" in problems  # same plain twice
    assert "entries.test[2]: '무료'" in problems  # "무료로" and "무료" tokenise alike in two entries
    assert "'신고하지 아니한'" in problems
    assert [e.plain for e in v.expansions] == ["공짜", "무료로", "버리다"]
    assert v.expansions[-1].adds == ("폐기",)


@pytest.mark.parametrize("data,field", [
    ({"synonyms": {}}, "'entries'"),
    ({"entries": {"money": {"plain": "x"}}}, "entries.money"),
    (_entries({"plain": [], "admin": ["면세"]}), "entries.test[0].plain"),
    (_entries({"plain": ["공짜"], "admin": ["면세"], "weight": 2}), "entries.test[0]"),
])
def test_structural_errors_name_the_field(tmp_path, data, field):
    with pytest.raises(ConfigError) as err:
        parse(data, tmp_path / "v.yaml")
    assert field in str(err.value) and "v.yaml" in str(err.value)


def test_unreadable_file_is_a_config_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_vocabulary(str(bad))


# --- the compiled file (everyday_admin.compiled.json) ----------------------------------------------------

def test_compiled_file_is_current():
    """Fails when the YAML (or the tokenizer, Kiwi, or the compiling code) changed without recompiling."""
    stored = compiled.stored_key(compiled.compiled_path(VOCABULARY))
    assert stored == compiled.cache_key(VOCABULARY.read_bytes()), (
        "everyday_admin.compiled.json 이 최신이 아닙니다: .venv/bin/python -m assistant.retrieval.vocabulary_compiled")


def test_compiled_file_holds_what_the_yaml_compiles_to(vocab):
    fresh = parse(yaml.safe_load(VOCABULARY.read_text(encoding="utf-8")), VOCABULARY)
    assert vocab == fresh  # every expansion (tokens, adds, plain, category, terms), synonym group and problem


def test_loader_uses_the_compiled_file_only_while_its_key_matches(tmp_path, caplog):
    src = tmp_path / "v.yaml"
    src.write_text("entries:\n  t:\n    - plain: [공짜, 세금 없이]\n      admin: [면세]\n", encoding="utf-8")
    cache = compiled.compile_file(src)
    assert cache == tmp_path / "v.compiled.json"
    assert compiled.main(["--check", str(src)]) == 0

    # a matching key: the file is what is loaded (proved by an edit only the file has), and nothing is logged
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["expansions"]["t"][0][0] = [["표지"]]  # the run's admin terms
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    load_vocabulary.cache_clear()
    with caplog.at_level(logging.INFO, logger="assistant.retrieval.vocabulary"):
        v = load_vocabulary(str(src))
    assert [e.adds for e in v.expansions] == [("표지",), ("표지",)] and not caplog.records

    # the YAML changed: the key no longer matches, the YAML is tokenised afresh and a log line says so
    src.write_text("entries:\n  t:\n    - plain: [공짜]\n      admin: [면제]\n", encoding="utf-8")
    assert compiled.main(["--check", str(src)]) == 1
    load_vocabulary.cache_clear()
    with caplog.at_level(logging.INFO, logger="assistant.retrieval.vocabulary"):
        v = load_vocabulary(str(src))
    assert [(e.plain, e.adds) for e in v.expansions] == [("공짜", ("면제",))]
    assert "키 불일치" in caplog.text and "vocabulary_compiled" in caplog.text

    # a broken compiled file is no worse than a missing one
    cache.write_text("{not json", encoding="utf-8")
    load_vocabulary.cache_clear()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="assistant.retrieval.vocabulary"):
        assert load_vocabulary(str(src)).expansions[0].adds == ("면제",)
    assert "읽을 수 없음" in caplog.text
    load_vocabulary.cache_clear()
