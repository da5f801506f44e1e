"""Korean tokenizer for BM25 (형태소 기반 키워드 토큰): the same function builds the index and the query.

Pipeline for one text:
1. `normalize_text` (NFKC, whitespace; ① kept).
2. Rewrite units so spellings agree: "US$800"/"$800"/"800 USD" → "800달러", "2L" → "2리터", "1,000" → "1000".
3. Pull out spans Kiwi would split badly and emit them as single tokens:
   article references 조 ("제5조", "5조" → `제5조`; "제10조의 2" → `제10조의2`), paragraphs 항
   ("제3항", "3항", "③" → `제3항`), items 호 ("제2호" → `제2호`), annexes ("별표 1" → `별표1`),
   Latin/alphanumeric codes ("MK-2866" → `mk-2866`, `mk2866`, `mk`, `2866`).
4. Kiwi morphemes of the rest: nouns (NN*), roots (XR), Hanja (SH), numbers (SN), other scripts
   (kana, Thai) lowercased; verb/adjective stems as dictionary forms ("보관하" is a noun + 하, but
   "들" VV → `들다`); particles, endings, punctuation and bound nouns like 수/것 are dropped.
   A contiguous noun run yields its words and the whole compound, so "특송물품" and "특송" match:
   특+송+물품 → `특송`, `물품`, `특송물품` (single syllables are glued: Kiwi splits unknown words so).
   A number followed directly by a unit noun yields `6`, `병` and `6병`.

Deliberate simplifications: "5조" is read as an article unless 원/달러/억/만/천 follows ("5조 원" is
five trillion won); 호 needs its 제 prefix ("2호" alone is ambiguous); a number and a Korean unit join
only when written together ("6병", not "6 병"). One Kiwi per process, guarded by a lock.

>>> tokenize("관세법에서 정한 제10조의 2")
['제10조의2', '관세', '관세법', '정하다']
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from assistant.text.normalize import CIRCLED, normalize_text

_kiwi = None
_kiwi_lock = threading.Lock()


def get_kiwi():
    """The process-wide Kiwi instance (loaded on first use: ~2 s, model ships in kiwipiepy_model)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi(num_workers=1)
    return _kiwi


# --- step 2: unit rewrites ---------------------------------------------------------------------
_NUM = r"\d[\d,]*(?:\.\d+)?"
_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:US\s?\$|USD\s?|\$)\s?({_NUM})", re.I), r" \1달러 "),
    (re.compile(rf"({_NUM})\s?(?:USD|US\s?dollars?|dollars?)\b", re.I), r"\1달러 "),
    (re.compile(rf"({_NUM})\s?(?:ℓ|L|l|ltr|liters?|litres?)(?![A-Za-z])"), r"\1리터 "),
    (re.compile(rf"({_NUM})\s?(?:mL|ml|ML)(?![A-Za-z])"), r"\1밀리리터 "),
    (re.compile(rf"({_NUM})\s?(?:kg|KG|Kg)(?![A-Za-z])"), r"\1킬로그램 "),
    (re.compile(rf"({_NUM})\s?(?:mg)(?![A-Za-z])"), r"\1밀리그램 "),
    (re.compile(rf"({_NUM})\s?%"), r"\1퍼센트 "),
]
_THOUSANDS = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])")

# --- step 3: special spans ---------------------------------------------------------------------
_CIRCLED_CLASS = "".join(CIRCLED)
_SPECIAL = re.compile(
    r"(?P<art>(?<!\d)(?:제\s?)?(?P<an>\d{1,4})\s?조(?:\s?의\s?(?P<ab>\d{1,3}))?(?!\s?(?:원|달러|억|만|천))(?![\d]))"
    r"|(?P<par>(?<!\d)(?:제\s?)?(?P<pn>\d{1,2})\s?항(?!목))"
    r"|(?P<circ>[" + _CIRCLED_CLASS + r"])"
    r"|(?P<ho>제\s?(?P<hn>\d{1,3})\s?호(?:\s?의\s?(?P<hb>\d{1,2}))?)"
    r"|(?P<annex>별표\s?(?P<xn>\d{1,3})(?:\s?의\s?(?P<xb>\d{1,2}))?)"
    r"|(?P<lat>[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[-‐'’/.][A-Za-z0-9]+)*|\d+(?:[-‐][A-Za-z0-9]+)+)"
)


def article_token(number: str | int, branch: str | int | None = None) -> str:
    """`제5조`, `제10조의2` — the canonical article reference (also used for locators)."""
    return f"제{int(number)}조" + (f"의{int(branch)}" if branch else "")


def _special_tokens(m: re.Match[str]) -> list[str]:
    if m.group("art"):
        return [article_token(m.group("an"), m.group("ab"))]
    if m.group("par"):
        return [f"제{int(m.group('pn'))}항"]
    if m.group("circ"):
        return [f"제{CIRCLED[m.group('circ')]}항"]
    if m.group("ho"):
        return [f"제{int(m.group('hn'))}호" + (f"의{int(m.group('hb'))}" if m.group("hb") else "")]
    if m.group("annex"):
        return ["별표", f"별표{int(m.group('xn'))}" + (f"의{int(m.group('xb'))}" if m.group("xb") else "")]
    word = m.group("lat").lower()
    if not any(c.isalpha() for c in word):  # "2023-01-01": plain numbers
        return [p for p in re.split(r"[-‐]", word) if p]
    out = [word]
    parts = [p for p in re.split(r"[-‐'’/.]", word) if p]
    if len(parts) > 1:
        out.append("".join(parts))
        out.extend(p for p in parts if len(p) > 1 or p.isdigit())
    return out


# --- step 4: Kiwi morphemes -------------------------------------------------------------------
_RUN_TAGS = {"NNG", "NNP", "XR", "XSN", "XPN", "NR"}  # members of a compound noun run
_CONTENT_TAGS = {"NNG", "NNP", "XR", "NR"}
_DROP_STEMS = {"하", "되", "있", "없", "이", "않", "같", "그렇", "이렇", "어떻", "아니"}
_MIN_PART = 2  # words of a run shorter than this (a lone syllable) only count inside the compound


def _base(tag: str) -> str:
    return tag.split("-", 1)[0]


def _emit_run(run: list[tuple[str, str]], out: list[str]) -> None:
    """Tokens of one contiguous noun run: its words and the whole compound.

    Words are the run's multi-syllable content morphemes; consecutive single syllables are glued into
    one word first, because Kiwi splits unknown Sino-Korean words that way (특송 → 특+송), so
    특송물품 → `특송`, `물품`, `특송물품`. Prefixes (XPN) and suffixes (XSN) only appear in the compound.
    """
    if not any(t in _CONTENT_TAGS for _, t in run):
        return
    if len(run) == 1:
        out.append(run[0][0])
        return
    words: list[str] = []
    glue = ""
    for form, tag in run:
        if len(form) == 1 and tag in _CONTENT_TAGS:
            glue += form
            continue
        if glue:
            words.append(glue)
            glue = ""
        if tag in _CONTENT_TAGS:
            words.append(form)
    if glue:
        words.append(glue)
    whole = "".join(f for f, _ in run)
    out.extend(w for w in words if len(w) >= _MIN_PART and w != whole)
    out.append(whole)


def _from_morphemes(tokens) -> list[str]:
    out: list[str] = []
    run: list[tuple[str, str]] = []
    run_end = -1
    prev_num: tuple[str, int] | None = None  # (number, end offset) for number+unit joins
    for tok in tokens:
        tag = _base(tok.tag)
        form = tok.form
        start, end = tok.start, tok.start + tok.len
        if tag in _RUN_TAGS:
            if run and start != run_end:
                _emit_run(run, out)
                run = []
            if prev_num and prev_num[1] == start and tag in ("NNG", "NNP"):
                out.append(prev_num[0] + form)
            run.append((form, tag))
            run_end = end
            prev_num = None
            continue
        if run:
            _emit_run(run, out)
            run = []
        if tag == "SN":
            num = form.replace(",", "") if _THOUSANDS.fullmatch(form) else form
            out.append(num)
            prev_num = (num, end)
            continue
        if tag == "NNB":
            if prev_num and prev_num[1] == start:
                out.append(prev_num[0] + form)
                out.append(form)
            elif len(form) > 1:
                out.append(form)
        elif tag in ("VV", "VA") and form not in _DROP_STEMS:
            out.append(form + "다")
        elif tag == "SH":
            out.append(form)
        elif tag in ("SL", "SW", "SO") and any(c.isalpha() for c in form):
            out.append(form.lower())
        prev_num = None
    if run:
        _emit_run(run, out)
    return out


def _prepare(text: str) -> tuple[str, list[str]]:
    """Normalise, rewrite units, extract special spans; returns (rest for Kiwi, special tokens)."""
    text = normalize_text(text)
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    specials: list[str] = []

    def _cut(m: re.Match[str]) -> str:
        specials.extend(_special_tokens(m))
        return " "

    rest = _SPECIAL.sub(_cut, text)
    return rest, specials


def tokenize(text: str) -> list[str]:
    """BM25 tokens of one text (order follows the text roughly; duplicates kept for term frequency)."""
    rest, specials = _prepare(text)
    if not rest.strip():
        return specials
    kiwi = get_kiwi()
    with _kiwi_lock:
        morphemes = kiwi.tokenize(rest)
    return specials + _from_morphemes(morphemes)


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    """Batch form of `tokenize` (one Kiwi call for the whole batch; use it when indexing)."""
    prepared = [_prepare(t) for t in texts]
    kiwi = get_kiwi()
    with _kiwi_lock:
        analysed = list(kiwi.tokenize([rest for rest, _ in prepared]))
    return [specials + _from_morphemes(morphs) for (_, specials), morphs in zip(prepared, analysed, strict=True)]
