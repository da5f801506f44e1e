"""Korean BM25 tokenizer on legal text: particles stripped, article references, units, Latin and Hanja."""

from __future__ import annotations

import pytest

from assistant.text.korean import article_token, tokenize, tokenize_many


def test_particles_are_stripped_from_nouns():
    toks = tokenize("관세법에서 정한 세관장은 통관을 보류할 수 있다")
    assert "관세법" in toks
    assert "세관장" in toks and "통관" in toks and "보류" in toks
    assert "관세법에서" not in toks and "세관장은" not in toks and "통관을" not in toks
    assert "에서" not in toks and "을" not in toks and "수" not in toks


@pytest.mark.parametrize(
    "text,expected",
    [
        ("제5조", "제5조"),
        ("5조에 따라", "제5조"),
        ("제 5 조", "제5조"),
        ("제10조의2", "제10조의2"),
        ("제10조의 2를 보면", "제10조의2"),
        ("10조의2", "제10조의2"),
        ("제3항", "제3항"),
        ("3항", "제3항"),
        ("①", "제1항"),
        ("제2호", "제2호"),
        ("별표 1", "별표1"),
    ],
)
def test_legal_references_become_single_tokens(text, expected):
    assert expected in tokenize(text)


def test_article_and_paragraph_in_one_reference():
    assert tokenize("관세법 제94조제1항")[:2] == ["제94조", "제1항"]
    assert article_token("05", "2") == "제5조의2"


def test_trillion_is_not_an_article():
    assert "제5조" not in tokenize("5조원 규모의 수입")


def test_numbers_and_units_agree_across_spellings():
    for text in ("800달러", "US$800", "$800", "800 USD"):
        toks = tokenize(text)
        assert "800" in toks and "달러" in toks and "800달러" in toks, (text, toks)
    assert {"2", "리터", "2리터"} <= set(tokenize("2리터"))
    assert {"2", "리터", "2리터"} <= set(tokenize("2L"))
    assert {"6", "병", "6병"} <= set(tokenize("건강기능식품 6병 초과"))
    assert "1000" in tokenize("1,000원")
    # a comma between digits that is not a thousands separator is kept apart (1,3-디메틸아밀아민)
    assert "1000" not in tokenize("1,3-디메틸아밀아민")


def test_latin_lowercased_with_hyphen_variants():
    toks = tokenize("MK-2866 (Ostarine)와 Sildenafil")
    assert {"mk-2866", "mk2866", "ostarine", "sildenafil"} <= set(toks)
    assert "mk2866" in tokenize("mk2866")


def test_hanja_and_other_scripts_kept():
    toks = tokenize("關稅法 西布曲明 シブトラミン")
    assert {"關稅法", "西布曲明", "シブトラミン"} <= set(toks)


def test_compound_nouns_match_their_parts():
    doc = set(tokenize("특송물품은 목록통관 대상이다"))
    assert "특송" in doc and "특송물품" in doc and "물품" in doc
    assert set(tokenize("특송")) <= doc
    assert "건강기능식품" in tokenize("건강기능식품")


def test_verbs_become_dictionary_forms_and_fillers_dropped():
    toks = tokenize("청소년이 들고 온 술도 면세돼?")
    assert "술" in toks and "면세" in toks and "청소년" in toks
    assert "들다" in toks
    assert "?" not in toks and "도" not in toks


def test_fullwidth_input_is_normalised():
    assert "800달러" in tokenize("ＵＳ＄８００")


def test_batch_equals_single():
    texts = ["관세법 제96조 여행자 휴대품", "", "보세사 공백을 방치한 사례", "MK-2866"]
    assert tokenize_many(texts) == [tokenize(t) for t in texts]


def test_empty_and_punctuation_only():
    assert tokenize("") == []
    assert tokenize(" .,?! ") == []
