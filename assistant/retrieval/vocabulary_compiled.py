"""The compiled vocabulary (어휘 컴파일 파일): `everyday_admin.yaml` tokenised once, kept beside it as JSON.

Tokenising the YAML takes thousands of Kiwi calls (seconds); every process that answers a query would pay
that on its first query. `everyday_admin.compiled.json` holds the result of `vocabulary.parse` under a key
made of everything the result depends on: the YAML's sha256, the BM25 tokenizer's signature
(`resolve_tokenizer().signature`), the Kiwi and Kiwi-model versions, and the hashes of the code that
compiles (vocabulary.py, normalize.py). `load_vocabulary` uses the file only when its key matches, else it
compiles from the YAML and logs why. Reading the file needs neither Kiwi nor YAML.

Regenerate after editing the YAML (a test fails while the file is stale):

    .venv/bin/python -m assistant.retrieval.vocabulary_compiled          # write
    .venv/bin/python -m assistant.retrieval.vocabulary_compiled --check  # exit 1 when stale
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

FORMAT = 2
_VERSION = re.compile(r"""__version__\s*=\s*['"]([^'"]+)""")


def compiled_path(yaml_path: Path) -> Path:
    """`everyday_admin.yaml` → `everyday_admin.compiled.json` (same folder)."""
    return yaml_path.with_name(yaml_path.stem + ".compiled.json")


def _file_hash(path: str | Path | None) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if path else "none"
    except OSError:
        return "none"


def _package_version(name: str) -> str:
    """A package's `__version__` without importing it (importing kiwipiepy or importlib.metadata is slow)."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__version__", None):
        return str(module.__version__)
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return "none"
    for folder in spec.submodule_search_locations:
        try:
            m = _VERSION.search((Path(folder) / "_version.py").read_text(encoding="utf-8"))
        except OSError:
            continue
        if m:
            return m.group(1)
    return "unknown"


def cache_key(raw_yaml: bytes) -> dict[str, object]:
    """Everything a compiled vocabulary depends on; equal keys mean `parse` would give the same result."""
    from assistant.retrieval import vocabulary
    from assistant.store.tokens import resolve_tokenizer
    from assistant.text import normalize

    return {
        "format": FORMAT,
        "yaml_sha256": hashlib.sha256(raw_yaml).hexdigest(),
        "tokenizer": resolve_tokenizer().signature,
        "kiwipiepy": _package_version("kiwipiepy"),
        "kiwipiepy_model": _package_version("kiwipiepy_model"),
        "compiler": _file_hash(vocabulary.__file__) + "-" + _file_hash(normalize.__file__),
    }


def dumps(vocab, key: dict[str, object]) -> str:
    """The compiled file's text. One line per run of expansions sharing an entry's admin words:
    `[terms, [[plain, "required tokens joined by spaces"], ...]]` under its category; `adds` is not stored,
    it is the terms' tokens deduplicated in order, as `parse` builds it."""
    runs: dict[str, list[list]] = {}
    last: tuple | None = None
    for e in vocab.expansions:
        if any(" " in t for t in e.requires):
            raise ValueError(f"token with a space in {e.plain!r}: {sorted(e.requires)}")
        if tuple(dict.fromkeys(t for term in e.terms for t in term)) != e.adds:
            raise ValueError(f"adds of {e.plain!r} are not its terms' tokens")
        head = (e.category, e.terms)
        if head != last:
            runs.setdefault(e.category, []).append([[list(t) for t in e.terms], []])
            last = head
        runs[e.category][-1][1].append([e.plain, " ".join(sorted(e.requires))])

    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def block(items: list, indent: str = "  ") -> str:
        return "[\n" + ",\n".join(indent + line(i) for i in items) + "\n" + indent[:-2] + "]" if items else "[]"

    categories = ",\n".join(f"  {line(c)}: {block(r, '    ')}" for c, r in runs.items())
    return (
        "{\n"
        f'"generated_by": {line("python -m assistant.retrieval.vocabulary_compiled (do not edit by hand)")},\n'
        f'"key": {line(key)},\n'
        f'"expansions": {{\n{categories}\n}},\n'
        f'"synonym_groups": {block([list(g) for g in vocab.synonym_groups])},\n'
        f'"problems": {block(list(vocab.problems))}\n'
        "}\n"
    )


def loads(text: str, key: dict[str, object]):
    """The Vocabulary stored in a compiled file's text, or None when its key differs from `key`."""
    from assistant.retrieval.vocabulary import Expansion, Vocabulary

    data = json.loads(text)
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    expansions: list[Expansion] = []
    add = expansions.append
    for category, runs in data["expansions"].items():
        for terms, forms in runs:
            terms = tuple(map(tuple, terms))
            adds = tuple(dict.fromkeys(t for term in terms for t in term))
            for plain, requires in forms:
                add(Expansion(frozenset(requires.split(" ")), adds, plain, category, terms))
    groups = tuple(map(tuple, data["synonym_groups"]))
    return Vocabulary(tuple(expansions), groups, tuple(data["problems"]))


def stored_key(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("key") if isinstance(data, dict) else None


def compile_file(yaml_path: Path) -> Path:
    """Tokenise `yaml_path` afresh and write its compiled file; returns the file written."""
    import yaml

    from assistant.retrieval.vocabulary import parse

    raw = yaml_path.read_bytes()
    vocab = parse(yaml.safe_load(raw.decode("utf-8")), yaml_path)
    out = compiled_path(yaml_path)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(dumps(vocab, cache_key(raw)), encoding="utf-8")
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    from assistant.retrieval.vocabulary import VOCABULARY

    ap = argparse.ArgumentParser(prog="python -m assistant.retrieval.vocabulary_compiled",
                                 description="everyday_admin.yaml → everyday_admin.compiled.json (어휘 컴파일)")
    ap.add_argument("yaml", nargs="*", type=Path, default=[VOCABULARY], help="vocabulary YAML files (default: the shipped one)")
    ap.add_argument("--check", action="store_true", help="only check; exit 1 when a compiled file is missing or stale")
    args = ap.parse_args(argv)
    rc = 0
    for path in args.yaml:
        if args.check:
            current = stored_key(compiled_path(path)) == cache_key(path.read_bytes())
            print(f"{'최신' if current else '갱신 필요'}: {compiled_path(path)}")
            rc |= 0 if current else 1
            continue
        out = compile_file(path)
        print(f"작성: {out}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
