"""The everyday → administrative vocabulary (생활어 → 행정어): the shipped file is clean, and its phrases
match real Kiwi output of everyday questions (negation, adverbs, joined verbs) without firing on look-alikes."""

from __future__ import annotations

import collections

import pytest
import yaml

from assistant.errors import ConfigError
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
    assert 300 <= len(entries) <= 520
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
