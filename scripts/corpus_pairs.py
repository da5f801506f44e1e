"""Synthetic (query, passage) pairs from the indexed documents alone (색인 문서만으로 만든 학습 쌍).

`scripts/finetune_embedder.py --source corpus` trains on these instead of the benchmark's questions, so any
office can fine-tune the embedder on its own index. Nothing here reads bench/questions. The passage is always
the record as the index embeds it (`doc_text(title, text)`); the query is made from that record:

- regulations (규정): the article title with the law's or chapter's name (`title`); sentences of the article
  (`sentence`) with administrative words swapped for everyday phrases (everyday_admin.yaml read backwards: admin
  word → the plain phrases that expand to it), references to other articles and law names dropped, amounts
  replaced by 몇/며칠/얼마, some words dropped, and the ending turned into a question ("…해야 돼?", "…하면
  어떻게 돼?"); definitions ("X"란 … 말한다) give "X이 뭐야?" and the explanation asked back (`definition`);
- audit findings (감사지적): the finding's title and one sentence of what the office did, rewritten the same
  way and ended with "사례", sometimes with the year and office in front (`finding`).

    >>> import random
    >>> inv = {"체납": ["밀리다", "밀린 세금"], "독촉장": ["재촉하는 편지"]}
    >>> everyday_rewrite("관세등이 체납되면 독촉장을 보낸다", inv, random.Random(1), p=1.0)
    '관세등이 밀리면 재촉하는 편지을 보낸다'

Deliberate simplifications: the rewriting is string rules, not a language model, so some queries are clumsy
Korean (a particle left after a swapped noun, as above); lists of hazard products and ingredients are left
out (officers look them up by name, which the keyword channel does); one seeded `random.Random` drives every
choice, records are read in (source, ordinal) order, so the same index and seed give the same pairs.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from assistant.store.index import doc_text

EVERYDAY = Path(__file__).resolve().parents[1] / "assistant" / "retrieval" / "everyday_admin.yaml"
KINDS = ("regulation", "finding")


@dataclass(frozen=True)
class Pair:
    query: str
    passage: str
    source: str  # file the record comes from (used to group batches by document)
    locator: str  # 제5조 / 지적 3 / 행 12
    how: str  # title | sentence | definition | finding


@dataclass(frozen=True)
class Record:
    source: str
    kind: str
    locator: str
    title: str
    text: str
    meta: dict

    @property
    def passage(self) -> str:
        return doc_text(self.title, self.text)


def read_records(home: Path, kinds: tuple[str, ...] = KINDS) -> list[Record]:
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("select source, kind, locator, title, text, metadata from records "
                          "order by source, ordinal, locator").fetchall()
    return [Record(s, k, loc, t, x, json.loads(m or "{}")) for s, k, loc, t, x, m in rows if k in kinds]


def inverse_everyday(path: Path = EVERYDAY, primary: int = 2) -> dict[str, list[str]]:
    """admin word → everyday phrases that expand to it (the table read backwards), in file order. Only the first
    `primary` admin words of an entry take its phrases back: the later ones are looser neighbours ("음식 신고"
    adds 수입신고 after 수입식품 신고, but 수입신고 is not 음식 신고)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    inv: dict[str, list[str]] = {}
    for group in (data.get("entries") or {}).values():
        for entry in group or []:
            for admin in (entry.get("admin") or [])[:primary]:
                admin = str(admin).strip()
                if len(admin) < 2:
                    continue
                for plain in entry.get("plain") or []:
                    plain = str(plain).strip()
                    if plain and plain != admin and plain not in inv.setdefault(admin, []):
                        inv[admin].append(plain)
    return {a: ps for a, ps in inv.items() if ps}


_PATTERNS: dict[int, re.Pattern[str]] = {}


def _pattern(inv: dict[str, list[str]]) -> re.Pattern[str]:
    key = id(inv)
    if key not in _PATTERNS:  # longest first, so "납부기한 경과" wins over "납부"
        _PATTERNS[key] = re.compile("|".join(re.escape(w) for w in sorted(inv, key=lambda w: (-len(w), w))))
    return _PATTERNS[key]


def _batchim(syllable: str) -> int:
    code = ord(syllable[-1]) - 0xAC00
    return code % 28 if 0 <= code < 11172 else 0


def _has_batchim(syllable: str) -> bool:
    return _batchim(syllable) != 0


_VERB_TAILS = ("면", "는", "지", "고", "기")
# what may follow a swapped word inside its eojeol: a particle, or 하/되 + an ending (so 관세 in 관세청장 is left alone)
_REST = re.compile(r"(?:은|는|이|가|을|를|의|에|에서|에게|으로|로|와|과|도|만|까지|부터|이나|나|및|등|"
                   r"[하되][가-힣]{0,4}|된|한|할|함)?(?=$|[^가-힣])")


def _noun_like(phrase: str) -> bool:
    return not phrase.endswith(("다", "면", "요", "도", "아서", "어서", "해서", "여서"))


def _verb(phrase: str) -> bool:
    """A dictionary-form verb phrase ("밀리다"), not a past form ("밀렸다": ㅆ under the syllable before 다)."""
    return phrase.endswith("다") and len(phrase) > 1 and _batchim(phrase[-2]) != 20


def everyday_rewrite(text: str, inv: dict[str, list[str]], rng: random.Random, p: float = 0.5,
                     limit: int = 3) -> str:
    """Swap up to `limit` administrative words for everyday phrases. A noun followed by 하/되 + ending
    ("체납되면") takes a verb phrase conjugated on the stem ("밀리면"); elsewhere only noun-like phrases are used,
    and a word is swapped only where it starts an eojeol and nothing but a particle or 하/되 follows it."""
    out, pos, done = [], 0, 0
    for m in _pattern(inv).finditer(text):
        if done >= limit or m.start() < pos or (m.start() and "가" <= text[m.start() - 1] <= "힣"):
            continue
        word, end = m.group(0), m.end()
        if not _REST.match(text, end) or rng.random() > p:
            continue
        verbs = [x for x in inv[word] if _verb(x)]
        nouns = [x for x in inv[word] if _noun_like(x)]
        light, tail = text[end:end + 1], text[end + 1:end + 2]
        if light in ("하", "되") and tail in _VERB_TAILS and verbs:
            stem = rng.choice(verbs)[:-1]
            ending = "으면" if tail == "면" and _has_batchim(stem) else tail
            out.append(text[pos:m.start()] + stem + ending)
            pos = end + 2
        elif nouns:
            out.append(text[pos:m.start()] + rng.choice(nouns))
            pos = end
        else:
            continue
        done += 1
    out.append(text[pos:])
    return "".join(out)


_REFERENCES = [
    re.compile(r"「[^」]*」(?:의|에|을|를|과|와|이|가|은|는)?\s*(?:제\d+조(?:의\d+)?(?:\s*제\d+항)?(?:\s*제\d+호)?(?:와|과|및|,|\s)*)*(?:에 따라|에 따른|에서)?\s*"),
    re.compile(r"(?:같은 법\s*|이 법\s*|법\s*)?(?:제\d+조(?:의\d+)?(?:\s*제\d+항)?(?:\s*제\d+호)?(?:와|과|및|,|\s)*)+"
               r"(?:에 따라|에 따른|에서|의|에)?\s*"),
    re.compile(r"(?:이 (?:고시|법|훈령|지침|규칙|영)에서\s*)"),
    re.compile(r"^(?:다만|또한|그런데|그러나|이 경우),?\s*"),
    re.compile(r"\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?(?:\s*~\s*\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?)?(?:까지|부터|에|)\s*"),
]
_AMOUNTS = [
    (re.compile(r"\d[\d,]*(?:\.\d+)?\s*일"), "며칠"),
    (re.compile(r"\d[\d,]*\s*개월"), "몇 개월"),
    (re.compile(r"\d[\d,]*\s*년"), "몇 년"),
    (re.compile(r"\d[\d,]*\s*(?:만|억|천)?\s*원"), "얼마"),
    (re.compile(r"(?:미화\s*)?\d[\d,]*\s*달러"), "몇 달러"),
    (re.compile(r"\d[\d,]*\s*(?:퍼센트|%)"), "몇 %"),
]
_ENDINGS = [
    (re.compile(r"(?:하여야|해야) 한다$"), "해야 돼?"),
    (re.compile(r"(?:되어야|돼야) 한다$"), "돼야 해?"),
    (re.compile(r"(\S)야 한다$"), r"\1야 해?"),
    (re.compile(r"(할|될|볼|줄|받을|낼|둘|있을) 수 있다$"), r"\1 수 있어?"),
    (re.compile(r"(?:하지 )?(?:아니한다|않는다)$"), " 안 해?"),
    (re.compile(r"아니하다$|아니다$"), "아니야?"),
    (re.compile(r"한다$"), "해?"),
    (re.compile(r"된다$"), "돼?"),
    (re.compile(r"이다$"), "야?"),
    (re.compile(r"다$"), "다?"),
]
_CONDITION = re.compile(r"^(.{6,}?(?:하면|되면|으면|이면|경우|때에는|때))[ ,]")


def strip_references(text: str) -> str:
    for rx in _REFERENCES:
        text = rx.sub("", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ,")


def questionize(sentence: str, inv: dict[str, list[str]], rng: random.Random) -> str:
    """One statute sentence → a question-like query an officer might type."""
    s = strip_references(re.sub(r"^[①-⑳\d]+[.)]?\s*|^[가-하]\.\s*", "", sentence.strip())).rstrip(".")
    if rng.random() < 0.6:
        for rx, repl in _AMOUNTS:
            s = rx.sub(repl, s)
    if rng.random() < 0.6:
        s = re.sub(r"^(?:세관장|관세청장|운영인|화주|신고인|수입자|담당공무원)(?:은|는|이|가)\s+", "", s)
    s = everyday_rewrite(s, inv, rng)
    cond = _CONDITION.match(s)
    if cond and rng.random() < 0.4:
        s = cond.group(1) + " 어떻게 돼?"
    else:
        for rx, repl in _ENDINGS:
            if rx.search(s):
                s = rx.sub(repl, s)
                break
    words = s.split()
    if len(words) > 6:  # drop a few of the statute's words, never the question ending
        words = [w for i, w in enumerate(words) if i >= len(words) - 2 or rng.random() > 0.12]
    return " ".join(words[-24:])


def sentences(body: str) -> list[str]:
    """Paragraphs (①…), items (1. …) and sentences of an article body, without its heading."""
    parts = re.split(r"\n+|(?<=다\.)\s+|(?=[①-⑳])", body)
    return [p.strip() for p in parts if len(p.strip()) >= 15]


_DEFINITION = re.compile(r"[\"“]([^\"”]{1,30})[\"”](?:이)?란\s+(.{6,}?)(?:을|를)\s+말한다")
_LAW_TAIL = re.compile(r"\s*\(샘플\)|\s*\[[^\]]*\]")


def regulation_pairs(rec: Record, inv: dict[str, list[str]], rng: random.Random, per_record: int) -> list[Pair]:
    meta = rec.meta
    law = _LAW_TAIL.sub("", str(meta.get("law") or rec.source.rsplit(".", 1)[0].replace("_", " ")))
    art_title = str(meta.get("article_title") or "")
    chapter = re.sub(r"^제\s*\d+\s*[장절편관]\s*", "", str(meta.get("chapter") or "").split(">")[-1].strip())
    body = rec.text[len(rec.title):] if rec.text.startswith(rec.title) else rec.text
    out: list[Pair] = []

    def add(query: str, how: str) -> None:
        query = re.sub(r"\s{2,}", " ", query).strip()
        if len(query) >= 4 and query not in {p.query for p in out}:
            out.append(Pair(query, rec.passage, rec.source, rec.locator, how))

    if art_title and art_title not in {"목적", "정의"}:
        head = rng.choice([law, chapter or law, ""])
        add(everyday_rewrite(f"{head} {art_title}", inv, rng, p=0.5), "title")
    for term, explanation in _DEFINITION.findall(body):
        add(f"{term}{'이' if _has_batchim(term) else '가'} 뭐야?" if rng.random() < 0.5 else f"{law} {term} 뜻",
            "definition")
        add(everyday_rewrite(explanation, inv, rng) + " 뭐라고 해?", "definition")
    candidates = [s for s in sentences(body) if not _DEFINITION.search(s)]
    rng.shuffle(candidates)
    for s in candidates[:per_record]:
        add(questionize(s, inv, rng), "sentence")
    return out


_DID = re.compile(r"(?:하였다|했다|않았다|되었다|였다|었다|았다)\.?$")


def _adnominal(s: str) -> str:
    """'…확인하지 않았다' → '…확인하지 않은'."""
    for past, adn in (("하지 않았다", "하지 않은"), ("않았다", "않은"), ("하였다", "한"), ("했다", "한"),
                      ("되었다", "된"), ("였다", "인")):
        if s.endswith(past):
            return s[: -len(past)] + adn
    return s


def finding_pairs(rec: Record, inv: dict[str, list[str]], rng: random.Random) -> list[Pair]:
    meta = rec.meta
    office = (str(meta.get("agency") or meta.get("office") or "").split() or [""])[0]
    year = str(meta.get("year") or "")[:4]
    prefix = rng.choice(["", f"{year}년 {office} ".strip() + " ", f"{office} "]) if office else ""
    out = [Pair((prefix + everyday_rewrite(rec.title, inv, rng, p=0.6) + " 사례").strip(),
                rec.passage, rec.source, rec.locator, "finding")]
    lines = [ln for ln in rec.text.splitlines()[1:] if "감사연도" not in ln and not ln.startswith(("·", "("))]
    did = [s for s in sentences(" ".join(lines)) if _DID.search(s.rstrip(".")) and "그 결과" not in s]
    if did:
        s = strip_references(rng.choice(did).rstrip("."))
        s = re.sub(r"^(?:\S+\s){0,2}?\S*(?:세관|과|국|팀|센터)(?:은|는|이|가)\s+", "", s)  # the office as subject
        s = re.sub(r"\S*\d[\d,.]*\s*(?:건|명|개|매|일|차례|원|달러|%|kg)\S*\s*", "", s)
        s = everyday_rewrite(_adnominal(s), inv, rng)
        words = s.split()
        words = [w for i, w in enumerate(words) if i >= len(words) - 2 or rng.random() > 0.1]
        if len(words) >= 3:
            out.append(Pair(" ".join(words[-22:]) + " 사례", rec.passage, rec.source, rec.locator, "finding"))
    return out


def corpus_pairs(home: Path, seed: int = 20261207, per_record: int = 3, kinds: tuple[str, ...] = KINDS,
                 everyday: Path = EVERYDAY) -> list[Pair]:
    """All synthetic pairs of an index home, deterministic for (index, seed, per_record)."""
    inv = inverse_everyday(everyday)
    rng = random.Random(seed)
    out: list[Pair] = []
    for rec in read_records(home, kinds):
        if rec.kind == "regulation":
            out.extend(regulation_pairs(rec, inv, rng, per_record))
        elif rec.kind == "finding":
            out.extend(finding_pairs(rec, inv, rng))
    return out


if __name__ == "__main__":  # a look at the pairs: python scripts/corpus_pairs.py HOME [N]
    import sys

    pairs = corpus_pairs(Path(sys.argv[1]))
    sample = random.Random(0).sample(pairs, min(len(pairs), int(sys.argv[2]) if len(sys.argv) > 2 else 30))
    for p in sample:
        print(f"[{p.how}] {p.source} {p.locator}: {p.query}")
    print(len(pairs), "pairs;", {h: sum(p.how == h for p in pairs) for h in ("title", "sentence", "definition", "finding")})
