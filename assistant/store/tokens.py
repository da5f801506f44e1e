"""The tokenizer the keyword channel indexes with (BM25 토큰화).

Production: `assistant.text.korean.tokenize` (Kiwi morphemes; written by the retrieval side).
Until that module exists, or in unit tests, a plain regex tokenizer stands in; each carries a
`signature` stored with the BM25 snapshot so a tokenizer change rebuilds the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Tokenizer:
    signature: str
    fn: Callable[[str], list[str]]
    many: Callable[[list[str]], list[list[str]]] | None = None

    def __call__(self, text: str) -> list[str]:
        return self.fn(text)

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        if self.many is not None:
            return self.many(texts)
        return [self.fn(t) for t in texts]


def simple_tokenize(text: str) -> list[str]:
    """NFKC-lowercased \\w+ runs (stand-in; no morpheme analysis)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def simple_tokenizer() -> Tokenizer:
    return Tokenizer("simple-regex-v1", simple_tokenize)


def _source_hash(module: object) -> str:
    """Hash of the tokenizer's source, so an edited tokenizer rebuilds BM25 instead of mismatching queries."""
    import hashlib
    import inspect

    try:
        path = inspect.getsourcefile(module)  # type: ignore[arg-type]
        return hashlib.sha256(open(path, "rb").read()).hexdigest()[:12] if path else "1"  # noqa: SIM115
    except (OSError, TypeError):
        return "1"


def resolve_tokenizer() -> Tokenizer:
    try:
        from assistant.text import korean
    except ImportError:
        return simple_tokenizer()
    fn = getattr(korean, "tokenize", None)
    if fn is None:
        return simple_tokenizer()
    version = getattr(korean, "TOKENIZER_VERSION", None) or _source_hash(korean)
    many = getattr(korean, "tokenize_many", None)
    return Tokenizer(f"korean-{version}", fn, many)
