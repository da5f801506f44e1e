"""Everyday ↔ administrative vocabulary (생활어 → 행정어): load, tokenise and check `everyday_admin.yaml`.

People ask in everyday words ("공짜로 들여올 수 있는 양", "사진을 안 남겨서"); statutes, notices and audit
reports use administrative ones (면세 범위, 기록 미보존). Each entry of the data file maps a few plain
forms to admin words. Loading turns every plain form into the set of query tokens that must ALL be
present (`Expansion.requires`) and every admin word into document tokens to add (`Expansion.adds`).

Everyday phrases hinge on words the BM25 tokenizer drops on purpose: adverbs (몰래, 계속, 대충),
negation (안, 못, -지 않다), auxiliaries (봐"주"다, 적어"두"다), determiners (다른, 여러, 몇), a few
particles (얼마"까지", 언제"부터") and the stems 없/되/같/있. `cue_tokens` adds those as cues, spelt so
they can never collide with a document token: negation is `(부정)`, auxiliaries `~주다`, particles
`~까지`; adverbs, determiners, pronouns and single-syllable bound nouns keep their form (몰래, 다른, 번),
the dropped stems their dictionary form (없다, 되다). A verb + 어 + verb run is also joined into one word
(들이+어+오 → 들여오다), because Kiwi reads the same word split or whole depending on its neighbours.
Cues are only ever matched, never searched.

Use: `present = query_tokens(query)`, then `vocabulary.matches(present)` → the expansions whose plain form
is in the query (each with its admin tokens, plain form and category, for weighting and tracing), or
simply `vocabulary.expand(query)`. `admin_synonyms` come back as `synonym_groups`.

Deliberate simplifications: a phrase is a bag of tokens (order and distance inside the query are ignored,
so "신고는 했는데 세금을 안 냈다" also fires "신고 안 하다"); negation has no scope. Queries are short,
the additions are weighted by the caller, and both choices keep the table readable.

>>> v = load_vocabulary()
>>> "면세" in v.expand("공짜로 들여올 수 있는 양")
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import ConfigError
from assistant.text.korean import get_kiwi, tokenize
from assistant.text.normalize import normalize_text

VOCABULARY = Path(__file__).with_name("everyday_admin.yaml")

NEGATION = "(부정)"
_NEG_ADVERBS = {"안", "못"}
_NEG_AUX = {"않", "아니하", "말", "못하"}
_CUE_STEMS = {"없", "되", "같", "있"}  # dropped by `tokenize`, meaningful in phrases (없다 → 미-, 같다 → 동일)
_CUE_PARTICLES = {"까지", "부터", "마다"}
_LINKING = {"어", "아", "여"}  # 연결어미 of a verb + verb compound (들여-오다, 봐-주다)

# A plain form made only of these can never stand for an admin word: it would fire on almost any query.
EMPTY = frozenset({NEGATION, "하다", "있다", "되다", "것", "거", "수", "데", "등", "좀", "잘", "다", "더", "또", "다시",
                   "그냥", "~있다", "~하다"})
# These may appear in a phrase but not alone, and two of them together are enough ("받는 사람" → 수취인).
GENERIC = EMPTY | frozenset({
    "없다", "같다", "보다", "주다", "두다", "놓다", "가다", "오다", "받다", "내다", "들다", "나다", "나오다", "쓰다",
    "사람", "때", "번", "개", "한", "몇", "여러", "다른", "얼마", "일", "양", "말", "곳", "안", "없이",
    "알다", "모르다", "말하다", "생각하다", "싶다", "나라", "년", "달", "월", "쪽", "분", "명",
    "어디", "언제", "누구", "뭐", "무엇", "저", "나", "내", "제", "우리", "저희", "그", "이", "여기", "거기", "아무",
    "이런", "그런", "무슨", "어느", "어떤", "모든", "각", "너무", "정말", "진짜", "아주", "많이", "조금", "혹시",
    "이미", "아직", "같이", "함께", "먼저", "제일", "가장", "덜",
    "~주다", "~두다", "~보다", "~놓다", "~가다", "~오다", "~버리다", "~까지", "~부터", "~마다",
})

_lock = threading.Lock()


def _analyse(text: str) -> tuple[list[str], set[str]]:
    """(cues, tokens a joined verb stands in for) — see `cue_tokens` and `phrase_tokens`."""
    text = normalize_text(text)
    if not text.strip():
        return [], set()
    kiwi = get_kiwi()
    with _lock:
        morphemes = kiwi.tokenize(text)
    out: list[str] = []
    parts: set[str] = set()
    for i, m in enumerate(morphemes):
        tag, form = m.tag.split("-", 1)[0], m.form
        if tag in ("MAG", "MAJ"):
            out.append(NEGATION if form in _NEG_ADVERBS else form)
        elif tag == "VX":
            out.append(NEGATION if form in _NEG_AUX else f"~{form}다")
        elif tag in ("VV", "VA") and form in _CUE_STEMS:
            out.append(form + "다")
        elif tag in ("MM", "NP") or (tag == "NNB" and len(form) == 1):
            out.append(form)
        elif tag == "JX" and form in _CUE_PARTICLES:
            out.append(f"~{form}")
        joined = _joined_verb(kiwi, morphemes, i)
        if joined:
            verb, second = joined
            out.append(verb)
            parts.update({form + "다", second})
    return out, parts


def _joined_verb(kiwi, morphemes, i: int) -> tuple[str, str] | None:
    """A verb + 어/아 + verb run written as one dictionary word ("들여오다", "봐주다"), and the token of
    its second verb. Kiwi reads the same word either way ("또 들여왔다" → 들이+어+오, "들여오면" → 들여오),
    so both sides of a match use the joined word."""
    if i + 2 >= len(morphemes):
        return None
    v1, ec, v2 = morphemes[i], morphemes[i + 1], morphemes[i + 2]
    if not (v1.tag.startswith("VV") and ec.tag == "EC" and ec.form in _LINKING and v2.tag.split("-")[0] in ("VX", "VV")):
        return None
    if v2.form in _NEG_AUX or v2.form in _CUE_STEMS:
        return None
    with _lock:
        verb = kiwi.join([(v1.form, v1.tag), (ec.form, ec.tag), (v2.form, v2.tag), ("다", "EF")]).replace(" ", "")
    second = f"~{v2.form}다" if v2.tag.startswith("VX") else v2.form + "다"
    return verb, second


def cue_tokens(text: str) -> list[str]:
    """Phrase cues `tokenize` drops: negation, adverbs, auxiliaries, determiners, a few particles, and
    verb + 어 + verb runs joined into one word.

    >>> cue_tokens("몰래 적어 두지 않았다")
    ['몰래', '적어두다', '~두다', '(부정)']
    """
    return _analyse(text)[0]


def query_tokens(text: str) -> set[str]:
    """Everything a plain form can be matched against: BM25 tokens plus phrase cues."""
    return set(tokenize(text)) | set(cue_tokens(text))


def phrase_tokens(plain: str) -> frozenset[str]:
    """The tokens a query must all hold for a plain form to fire: `query_tokens`, but a joined verb
    replaces its parts ("또 들여오다" → {또, 들여오다}, whether Kiwi split 들여오다 or not)."""
    cues, parts = _analyse(plain)
    return frozenset((set(tokenize(plain)) | set(cues)) - parts)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


_CARRIERS = ("{}", "{} 등", "{}에 관한")  # Kiwi misreads some bare nouns: 서면 → 서다, 금 → 긋다, 위해 → 위하다
_CARRIER_TOKENS = {"관하다", "등"}


def admin_tokens(term: str) -> list[str]:
    """Document tokens for one admin word, or [] when Kiwi cannot read it as written.

    The bare word is read, and again inside neutral carriers ("서면 등"). A reading counts when it invents
    no verb (bare "금" reads as 긋다) and touches every word of the term ("신고하지 아니한" leaves 아니한
    without a token); the first reading without any verb wins (bare "서면" reads as 서다), else the first. Documents meet these words inside sentences, where Kiwi reads
    them as the carrier does. The whole compound is kept when Kiwi emits it ("폐기명령"), else all its
    tokens ("폐기 명령" → 폐기, 명령) — the rule `query.py` uses for lexicon values.
    """
    whole = _squash(term).lower()
    words = [w.lower() for w in normalize_text(term).split() if len(w) > 1]
    readings = []
    for carrier in _CARRIERS:
        toks = [t for t in tokenize(carrier.format(term)) if t not in _CARRIER_TOKENS]
        invented = any(t.endswith("다") and t[:-1] not in whole for t in toks)
        touched = all(any(len(t) > 1 and t.rstrip("다")[:1] in w for t in toks) for w in words)
        if toks and not invented and touched:
            readings.append(toks)
    if not readings:
        return []
    # a noun reading beats one with a verb in it ("서면" → 서다 bare, 서면 in "서면 등")
    toks = next((r for r in readings if not any(t.endswith("다") for t in r)), readings[0])
    return [whole] if whole in toks else list(dict.fromkeys(toks))


def weakness(requires: Iterable[str]) -> str | None:
    """Why a plain form's token set is too weak to expand on, or None when it is specific enough."""
    toks = set(requires)
    if not toks:
        return "토큰이 하나도 나오지 않습니다"
    if any(t not in GENERIC for t in toks):
        return None
    if len([t for t in toks if t not in EMPTY]) >= 2:
        return None
    return f"일반적인 토큰뿐입니다 ({', '.join(sorted(toks))})"


@dataclass(frozen=True)
class Expansion:
    """One plain form of an entry: when every token of `requires` is in the query, add `adds`."""

    requires: frozenset[str]
    adds: tuple[str, ...]  # all admin tokens, deduplicated, in file order
    plain: str  # the form as written in the file, for tracing
    category: str
    terms: tuple[tuple[str, ...], ...] = ()  # the tokens of each admin word ("판매 목적" → 판매, 목적), for callers
    # that weight a multi-word term as one unit rather than as loose generic parts


@dataclass(frozen=True)
class Vocabulary:
    expansions: tuple[Expansion, ...]
    synonym_groups: tuple[tuple[str, ...], ...]  # admin_synonyms, tokenised: interchangeable statute words
    problems: tuple[str, ...]  # weak plain forms (skipped) and duplicate keys, one Korean line each

    def matches(self, present: set[str]) -> list[Expansion]:
        return [e for e in self.expansions if e.requires <= present]

    def expand(self, query: str) -> list[str]:
        """Admin tokens the query's everyday words stand for, minus tokens already in the query."""
        present = query_tokens(query)
        out: dict[str, None] = {}
        for e in self.matches(present):
            for t in e.adds:
                if t not in present:
                    out[t] = None
        return list(out)

    def synonyms(self, token: str) -> tuple[str, ...]:
        """Other statute words of every admin_synonyms group holding `token`."""
        return tuple(dict.fromkeys(t for g in self.synonym_groups if token in g for t in g if t != token))


def _strings(value, where: str, path: Path) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}: {where}: 비어 있지 않은 문자열 목록이어야 합니다",
                          f"{path}: {where}: must be a non-empty list of strings")
    return [v.strip() for v in value]


def parse(data: object, path: Path) -> Vocabulary:
    """Build a Vocabulary from the parsed YAML; structural errors raise ConfigError naming the field."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise ConfigError(f"{path}: 'entries' (분류 → 항목 목록) 가 없습니다", f"{path}: missing 'entries' (category → list)")
    expansions: list[Expansion] = []
    problems: list[str] = []
    seen: dict[frozenset[str], str] = {}
    seen_text: dict[str, str] = {}
    for category, items in data["entries"].items():
        if not isinstance(items, list):
            raise ConfigError(f"{path}: entries.{category}: 항목 목록이어야 합니다", f"{path}: entries.{category}: must be a list")
        for i, item in enumerate(items):
            where = f"entries.{category}[{i}]"
            if not isinstance(item, dict) or set(item) - {"plain", "admin", "note"}:
                raise ConfigError(f"{path}: {where}: plain/admin/note 만 쓸 수 있습니다",
                                  f"{path}: {where}: only plain/admin/note are allowed")
            plains = _strings(item.get("plain"), f"{where}.plain", path)
            admin_terms = _strings(item.get("admin"), f"{where}.admin", path)
            per_term = {a: admin_tokens(a) for a in admin_terms}
            problems.extend(f"{where}.admin: '{a}' 를 Kiwi 가 읽지 못합니다" for a, toks in per_term.items() if not toks)
            adds = tuple(dict.fromkeys(t for toks in per_term.values() for t in toks))
            terms = tuple(tuple(toks) for toks in per_term.values() if toks)
            if not adds:
                problems.append(f"{where}: admin 쪽 토큰이 없습니다")
                continue
            for plain in plains:
                key = " ".join(normalize_text(plain).split())
                if key in seen_text:
                    problems.append(f"{where}: '{plain}' 가 {seen_text[key]} 에도 있습니다")
                    continue
                seen_text[key] = where
                requires = phrase_tokens(plain)
                why = weakness(requires)
                if why:
                    problems.append(f"{where}: '{plain}': {why}")
                    continue
                if requires in seen:
                    # spelling variants of one entry may tokenise alike ("허락 받다", "허락받다"): harmless
                    if seen[requires] != where:
                        problems.append(f"{where}: '{plain}' 의 토큰 {sorted(requires)} 이 {seen[requires]} 와 같습니다")
                    continue
                seen[requires] = where
                expansions.append(Expansion(requires, adds, plain, str(category), terms))
    groups: list[tuple[str, ...]] = []
    for i, group in enumerate(data.get("admin_synonyms") or []):
        words = _strings(group, f"admin_synonyms[{i}]", path)
        per_term = {word: admin_tokens(word) for word in words}
        problems.extend(f"admin_synonyms[{i}]: '{a}' 를 Kiwi 가 읽지 못합니다" for a, toks in per_term.items() if not toks)
        toks = tuple(dict.fromkeys(t for ts in per_term.values() for t in ts))
        if len(toks) < 2:
            problems.append(f"admin_synonyms[{i}]: 토큰이 둘 이상이어야 합니다 ({words})")
            continue
        groups.append(toks)
    return Vocabulary(tuple(expansions), tuple(groups), tuple(problems))


@lru_cache(maxsize=4)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    import yaml

    file = Path(path) if path else VOCABULARY
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{file}: 어휘 파일을 읽을 수 없습니다 ({err})", f"{file}: cannot read the vocabulary ({err})") from err
    return parse(data, file)
