"""Query understanding (질의 분석): keyword tokens, synonym expansion, article and law mentions.

- tokens: `tokenize(query)` plus weighted expansions: synonyms from `lexicon.yaml` ("술" adds "주류") and the
  administrative words of the everyday phrases in `everyday_admin.yaml` ("공짜로 들여오다" adds 면세);
  counts said in native numerals get their digit form ("네 번" adds 4회, numerals.py);
  `weights` holds one weight per token (typed words 1.0);
- articles: explicit article references ("관세법 94조" → ["제94조"]), which the retriever boosts;
- laws: the known laws (from the index's regulation sources) named in the query, longest match wins
  ("수입식품안전관리 특별법 시행규칙" names the 시행규칙, not the 특별법), plus short aliases.

>>> laws = LawNames(["관세법_샘플.txt", "수입식품안전관리_특별법_샘플.txt", "수입식품안전관리_특별법_시행규칙_샘플.txt"])
>>> laws.mentioned("수입식품안전관리 특별법 시행규칙 제44조의3")
['수입식품안전관리_특별법_시행규칙_샘플.txt']
>>> laws.mentioned("관세법에서 94조는?")
['관세법_샘플.txt']
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.text.korean import tokenize
from assistant.text.normalize import normalize_text
from assistant.text.typos import typo_corrections

LEXICON = Path(__file__).with_name("lexicon.yaml")
_ARTICLE_TOKEN = re.compile(r"^제\d+조(?:의\d+)?$")
_SAMPLE = re.compile(r"[(\[（]?\s*샘플\s*[)\]）]?")
_SUFFIX = re.compile(r"\.(txt|md|pdf|hwp|hwpx|docx?|csv|tsv|xlsx|json)$", re.I)


@dataclass(frozen=True)
class Lexicon:
    synonyms: dict[str, tuple[str, ...]]
    law_aliases: dict[str, str]
    query_stopwords: frozenset[str] = frozenset()


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    import yaml

    data = yaml.safe_load(Path(path or LEXICON).read_text(encoding="utf-8")) or {}
    syn = {str(k): tuple(str(v) for v in (vals or [])) for k, vals in (data.get("synonyms") or {}).items()}
    aliases = {str(k): str(v) for k, v in (data.get("law_aliases") or {}).items()}
    stop = frozenset(str(w) for w in (data.get("query_stopwords") or []))
    return Lexicon(syn, aliases, stop)


def _value_tokens(value: str) -> list[str]:
    """A synonym adds its whole word when it is one token ("해외직접구매"), not all its sub-parts."""
    toks = tokenize(value)
    whole = _squash(value)
    return [whole] if whole in toks else list(dict.fromkeys(toks))


@lru_cache(maxsize=4)
def _synonym_table(path: str | None = None) -> list[tuple[frozenset[str], tuple[str, ...]]]:
    lex = load_lexicon(path)
    table = []
    for key, values in lex.synonyms.items():
        key_tokens = frozenset(tokenize(key))
        extra = tuple(t for v in values for t in _value_tokens(v))
        if key_tokens and extra:
            table.append((key_tokens, extra))
    return table


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def law_key(name: str) -> str:
    """Comparable law name from a file name or title: "관세법_샘플.txt" → "관세법"."""
    name = _SUFFIX.sub("", name or "").replace("_", " ")
    return _squash(_SAMPLE.sub(" ", name))


class LawNames:
    """Law names known to the index (regulation source file names), matched inside queries."""

    def __init__(self, sources: list[str], aliases: dict[str, str] | None = None,
                 expand: Callable[[str], list[str]] | None = None):
        # `expand`: the administrative words of an everyday word ("면세점" → 보세판매장), used for a word
        # before a law-type word that fits no law name itself ("면세점 고시" → 보세판매장 운영에 관한 고시)
        self.expand = expand
        self.by_key: dict[str, list[str]] = {}
        for src in sources:
            key = law_key(src)
            if len(key) >= 2:
                self.by_key.setdefault(key, []).append(src)
        self.aliases = {_squash(a): law_key(t) for a, t in (aliases or {}).items()}

    def mentioned(self, query: str) -> list[str]:
        q = _squash(query)
        spans: list[tuple[int, int, str]] = []
        for key in self.by_key:
            for m in re.finditer(re.escape(key), q):
                spans.append((m.start(), m.end(), key))
        for alias, key in self.aliases.items():
            if key in self.by_key:
                for m in re.finditer(re.escape(alias), q):
                    spans.append((m.start(), m.end(), key))
        keep = [s for s in spans if not any(o is not s and o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                            for o in spans)]
        out: list[str] = []
        for _, _, key in sorted(keep):
            for src in self.by_key[key]:
                if src not in out:
                    out.append(src)
        return out or self.loosely_mentioned(query)

    def loosely_mentioned(self, query: str) -> list[str]:
        """Laws named by a part or an abbreviation of their name, right before a law-type word
        ("국제우편 고시 7조" → 국제우편물 통관 사무처리에 관한 고시, "지재권 고시" → 지식재산권 보호 … 고시).

        A word counts when it is a piece of exactly the law names it fits: a run inside the name
        (국제우편), or its syllables in order within the name starting at the name's first syllable
        or a word start (지재권 → 지·재·권 of 지식재산권), never a generic law word (통관, 고시 …).
        A word that fits no law name may still name one through its administrative words (`expand`): the
        everyday name of a notice ("면세점 고시", "이삿짐 고시"); such a word counts only where an
        administrative word is a run inside the law's name, half a point per such word.
        Only the best-fitting law(s) are returned, and nothing when more than two fit equally.
        """
        best: dict[str, float] = {}
        for m in _LAW_CUE.finditer(normalize_text(query)):
            for word in m.group("words").split()[-2:]:
                word = _JOSA.sub("", word)
                if len(word) < 2 or word in _GENERIC_LAW_WORDS:
                    continue
                fits = {key: _fit(word, key, words) for key, words in self._key_words().items()}
                fits = {k: v for k, v in fits.items() if v}
                if not fits and self.expand is not None:
                    fits = self._fit_expanded(word)
                for key, score in fits.items():
                    best[key] = best.get(key, 0.0) + score
        if not best:
            return []
        top = max(best.values())
        keys = [k for k, v in best.items() if v == top]
        if len(keys) > 2:
            return []
        return [src for k in keys for src in self.by_key[k]]

    def _fit_expanded(self, word: str) -> dict[str, float]:
        """Laws whose name holds the word's administrative words, scored by how many it holds (half a point
        each: a word of the name itself scores its length)."""
        assert self.expand is not None
        out: dict[str, float] = {}
        for admin in dict.fromkeys(self.expand(word)):
            if len(admin) < 2 or admin in _GENERIC_LAW_WORDS:
                continue
            for key in self.by_key:
                if admin in key:
                    out[key] = out.get(key, 0.0) + 0.5
        return out

    def _key_words(self) -> dict[str, list[str]]:
        cached = getattr(self, "_words", None)
        if cached is None:
            cached = {key: [w for w in _law_words(src) if w] for key, srcs in self.by_key.items() for src in srcs[:1]}
            self._words = cached
        return cached


# A law-type word after one or two words: "국제우편 고시", "지재권 통관 고시", "수입식품 특별법".
_LAW_CUE = re.compile(r"(?P<words>(?:[가-힣A-Za-z]+\s*){1,3}?)\s*(?:고시|법률|법|규정|규칙|지침|훈령|특례법|시행규칙|시행령|예규)"
                      r"(?:에서|에|의|은|는|이|가|을|를|엔|상|\b|\s|\d|$)")
_JOSA = re.compile(r"(?:에서|에는|에|의|은|는|이|가|을|를|으로|로|와|과)$")
_GENERIC_LAW_WORDS = frozenset("고시 법 법률 규정 규칙 지침 훈령 예규 관한 관하여 사무 처리 사무처리 통관 관리 운영 제도 "
                               "수입 수출 수출입 관세 세관 특례 특례법 시행 시행규칙 시행령 샘플 및 등 그 이 저".split())


def _law_words(source: str) -> list[str]:
    name = _SUFFIX.sub("", source or "").replace("_", " ")
    return _SAMPLE.sub(" ", normalize_text(name)).split()


def _fit(word: str, key: str, words: list[str]) -> float:
    """How well `word` names the law `key` (its words `words`): 0 when it does not."""
    if word in key:
        return float(len(word))
    if len(word) < 3 or not any(w.startswith(word[0]) for w in words):
        return 0.0
    # abbreviation: syllables in order, the first at a word start, within a short span
    for w_i, w in enumerate(words):
        if not w.startswith(word[0]):
            continue
        rest = "".join(words[w_i:])
        pos, span_end = 0, 0
        for ch in word:
            found = rest.find(ch, pos)
            if found < 0:
                break
            pos = found + 1
            span_end = pos
        else:
            if span_end <= 3 * len(word):
                return len(word) - 0.5
    return 0.0


# Weights of expansion tokens relative to the words typed (1.0), for the keyword channel.
WEIGHT_SYNONYM = 1.0
WEIGHT_EVERYDAY = 0.8
WEIGHT_NUMERAL = 1.0  # "네 번" and 4회 are the same words, not a paraphrase
WEIGHT_ADMIN_SYNONYM = 0.0  # admin_synonyms groups: measured no better on the tuning split (0.496–0.500 vs 0.508)


@dataclass
class Query:
    text: str
    tokens: list[str]  # keyword query (original tokens first, then expansions)
    articles: list[str] = field(default_factory=list)  # 제94조, 제10조의2
    laws: list[str] = field(default_factory=list)  # source file names of the laws named
    weights: list[float] = field(default_factory=list)  # one per token; empty: all 1.0
    typed: list[str] = field(default_factory=list)  # the tokens of the words typed (no expansions)

    def __post_init__(self) -> None:
        if not self.weights:
            self.weights = [1.0] * len(self.tokens)


_lock = threading.Lock()


CORRECT_TYPOS = True  # bench/retrieval.py --no-typo-correction turns it off to measure what it adds


def correct_typos(text: str, known: Callable[[str], bool]) -> str:
    """The query with its typo'd nouns corrected, where the index knows the corrected word and not the
    typed one ("새관에 신고" → "세관에 신고"); a word the index knows is never changed."""
    out, last = [], 0
    for start, end, form in typo_corrections(text):
        if start >= last and not known(text[start:end]) and known(form):
            out.append(text[last:start] + form)
            last = end
    return "".join(out) + text[last:] if out else text


def analyze(text: str, laws: LawNames | None = None, lexicon_path: str | None = None,
            known: Callable[[str], bool] | None = None) -> Query:
    """`known(token)`: whether the index holds a token; given, typo'd nouns are corrected first."""
    text = normalize_text(text)
    if known is not None and CORRECT_TYPOS:
        text = correct_typos(text, known)
    stop = load_lexicon(lexicon_path).query_stopwords
    tokens = [t for t in tokenize(text) if t not in stop]
    present = set(tokens)
    with _lock:
        table = _synonym_table(lexicon_path)
    expanded = list(tokens)
    weights = [1.0] * len(tokens)

    def add(tok: str, w: float) -> None:
        if tok not in present:
            present.add(tok)
            expanded.append(tok)
            weights.append(w)

    typed = set(tokens)
    for key_tokens, extra in table:
        if key_tokens <= typed:
            for t in extra:
                add(t, WEIGHT_SYNONYM)
    if WEIGHT_EVERYDAY > 0:
        from assistant.retrieval.vocabulary import load_vocabulary

        vocab = load_vocabulary()
        for t in vocab.expand(text):
            add(t, WEIGHT_EVERYDAY)
        if WEIGHT_ADMIN_SYNONYM > 0:
            for t in list(present):
                for syn in vocab.synonyms(t):
                    add(syn, WEIGHT_ADMIN_SYNONYM)
    if WEIGHT_NUMERAL > 0:
        from assistant.retrieval.numerals import digit_forms

        for form in digit_forms(text):  # "네 번" → 4회: the count as the rules write it
            add(form, WEIGHT_NUMERAL)
    articles = list(dict.fromkeys(t for t in tokens if _ARTICLE_TOKEN.match(t)))
    return Query(text=text, tokens=expanded, articles=articles, laws=laws.mentioned(text) if laws else [],
                 weights=weights, typed=tokens)
