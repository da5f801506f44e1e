from assistant.text.normalize import fold_latin, normalize_text


def test_nfkc_fullwidth_and_whitespace():
    assert normalize_text("ＵＳ＄８００　이하\n\t면세") == "US$800 이하 면세"


def test_circled_paragraph_numbers_survive_nfkc():
    assert normalize_text("제5조 ① 세관장은 ⑩") == "제5조 ① 세관장은 ⑩"


def test_fold_latin():
    assert fold_latin("MK-2866") == fold_latin("mk 2866") == "mk2866"
