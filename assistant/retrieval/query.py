"""Query understanding (질의 분석): keyword tokens, synonym expansion, article and law mentions.

- tokens: `tokenize(query)` plus weighted expansions: synonyms from `lexicon.yaml` ("술" adds "주류") and,
  when the retriever passes the index's definition table, the terms whose definitions the question
  paraphrases (`definitions.py`); `weights` holds one weight per token (typed words 1.0);
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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.text.korean import tokenize
from assistant.text.normalize import normalize_text

if TYPE_CHECKING:
    from assistant.retrieval.definitions import DefinitionTable

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

    def __init__(self, sources: list[str], aliases: dict[str, str] | None = None):
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
        return out


# Weights of expansion tokens relative to the words typed (1.0), for the keyword channel.
WEIGHT_SYNONYM = 1.0
WEIGHT_DEFINITION = 0.5


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


def analyze(text: str, laws: LawNames | None = None, lexicon_path: str | None = None,
            definitions: DefinitionTable | None = None) -> Query:
    text = normalize_text(text)
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
    if definitions is not None:
        for t, share in definitions.expand(list(present)):
            add(t, WEIGHT_DEFINITION * share)
    articles = list(dict.fromkeys(t for t in tokens if _ARTICLE_TOKEN.match(t)))
    return Query(text=text, tokens=expanded, articles=articles, laws=laws.mentioned(text) if laws else [],
                 weights=weights, typed=tokens)
