"""Sanity checks on the sample regulations corpus and its benchmark questions (샘플 법령 코퍼스).

The texts are read straight from the committed files (pypdf for the PDFs, the OWPML XML inside
the HWPX zip), independent of the project's own readers, so a reader bug cannot hide a corpus bug.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[2]
REG = ROOT / "corpora" / "regulations"
QUESTIONS = ROOT / "bench" / "questions" / "regulations.jsonl"
DISCLAIMER = "※ 이 문서는 시험용 샘플입니다. 실제 법령과 다를 수 있습니다."

# file -> law title (the `law` metadata value)
DOCS = {
    "관세법_샘플.txt": "관세법(샘플)",
    "수입통관_사무처리에_관한_고시_샘플.pdf": "수입통관 사무처리에 관한 고시(샘플)",
    "특송물품_수입통관_사무처리에_관한_고시_샘플.pdf": "특송물품 수입통관 사무처리에 관한 고시(샘플)",
    "보세화물_관리에_관한_고시_샘플.md": "보세화물 관리에 관한 고시(샘플)",
    "여행자_및_승무원_휴대품_통관에_관한_고시_샘플.hwpx": "여행자 및 승무원 휴대품 통관에 관한 고시(샘플)",
    "수입식품안전관리_특별법_샘플.txt": "수입식품안전관리 특별법(샘플)",
    "수입식품안전관리_특별법_시행규칙_샘플.txt": "수입식품안전관리 특별법 시행규칙(샘플)",
}

# (file, article number, word from its title) that other corpora (audit findings) cite.
GUARANTEED = (
    [
        ("관세법_샘플.txt", a, t)
        for a, t in [
            ("제2조", "정의"),
            ("제8조", "기간"),
            ("제21조", "제척기간"),
            ("제38조", "신고납부"),
            ("제39조", "부과고지"),
            ("제94조", "소액물품"),
            ("제96조", "여행자"),
            ("제157조", "반입"),
            ("제206조", "유치"),
            ("제234조", "금지"),
            ("제237조", "보류"),
            ("제241조", "신고"),
            ("제246조의3", "안전성"),
            ("제269조", "밀수출입"),
            ("제270조", "관세포탈"),
            ("제276조", "허위신고"),
            ("제277조", "과태료"),
        ]
    ]
    + [
        ("수입통관_사무처리에_관한_고시_샘플.pdf", a, t)
        for a, t in [
            ("제12조", "자가사용"),
            ("제15조", "심사"),
            ("제20조", "통관보류"),
            ("제25조", "검사대상"),
            ("제30조", "신고수리 후"),
        ]
    ]
    + [
        ("특송물품_수입통관_사무처리에_관한_고시_샘플.pdf", a, t)
        for a, t in [("제8조", "목록통관"), ("제9조", "배제"), ("제12조", "등록"), ("제15조", "반송")]
    ]
    + [
        ("보세화물_관리에_관한_고시_샘플.md", a, t)
        for a, t in [
            ("제5조", "보세사"),
            ("제7조", "반입신고"),
            ("제9조", "반출신고"),
            ("제12조", "장치기간"),
            ("제14조", "재고조사"),
            ("제18조", "도난"),
        ]
    ]
    + [
        ("여행자_및_승무원_휴대품_통관에_관한_고시_샘플.hwpx", a, t)
        for a, t in [("제6조", "면세범위"), ("제8조", "술"), ("제10조", "유치"), ("제12조", "자진신고")]
    ]
    + [
        ("수입식품안전관리_특별법_샘플.txt", "제20조", "수입신고"),
        ("수입식품안전관리_특별법_샘플.txt", "제25조의3", "반입 차단"),
        ("수입식품안전관리_특별법_시행규칙_샘플.txt", "제44조의3", "반입차단"),
    ]
)

ARTICLE = re.compile(r"^(제\d+조(?:의\d+)?)\(([^)]*)\)", re.M)
DELETED = re.compile(r"^(제\d+조(?:의\d+)?) 삭제 <\d{4}\. \d{1,2}\. \d{1,2}\.>", re.M)


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(path).pages)
    if path.suffix == ".hwpx":
        with zipfile.ZipFile(path) as z:
            sections = sorted(n for n in z.namelist() if re.match(r"Contents/section\d+\.xml$", n))
            paras = []
            for name in sections:
                root = ET.fromstring(z.read(name))
                for p in root.iter("{http://www.hancom.co.kr/hwpml/2011/paragraph}p"):
                    own = [t.text or "" for t in p.iter("{http://www.hancom.co.kr/hwpml/2011/paragraph}t")]
                    paras.append("".join(own))
            return "\n".join(paras)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {name: _text(REG / name) for name in DOCS}


def _articles(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in ARTICLE.finditer(text)}


def test_every_document_is_present_and_marked_as_sample(texts):
    found = {p.name for p in REG.iterdir() if p.suffix in {".txt", ".md", ".pdf", ".hwpx"}}
    assert found - {"README.md"} == set(DOCS)
    for name, law in DOCS.items():
        head = texts[name][:400]
        assert law in head, name
        assert DISCLAIMER in head, name


def test_article_counts_structure_and_deleted_articles(texts):
    counts = {name: len(_articles(t)) for name, t in texts.items()}
    assert all(n >= 10 for n in counts.values()), counts
    assert sum(counts.values()) >= 130, counts
    deleted = [(name, m.group(1)) for name, t in texts.items() for m in DELETED.finditer(t)]
    assert deleted == [("관세법_샘플.txt", "제7조"), ("수입식품안전관리_특별법_샘플.txt", "제22조")]
    joined = "\n".join(texts.values())
    for marker in ("제1편", "제1장", "제1절", "제1관", "①", "②", "\n1. ", "가. ", "의2(", "부칙", "[별표 1]"):
        assert marker in joined, marker


def test_guaranteed_articles_exist_with_their_topics(texts):
    for name, article, title_word in GUARANTEED:
        articles = _articles(texts[name])
        assert article in articles, (name, article)
        assert title_word in articles[article], (name, article, articles[article])


def test_self_use_table_lists_six_bottles(texts):
    pdf = texts["수입통관_사무처리에_관한_고시_샘플.pdf"]
    table = pdf[pdf.index("[별표 1]") :]
    assert "건강기능식품 총 6병" in table


def test_pdfs_break_words_across_lines_and_number_pages():
    """Like real Korean PDFs, some words are split by a line break: the PDF reader must join them."""
    from pypdf import PdfReader

    for stem in ("수입통관_사무처리에_관한_고시_샘플", "특송물품_수입통관_사무처리에_관한_고시_샘플"):
        source = (ROOT / "scripts" / "regulation_sources" / f"{stem}.txt").read_text(encoding="utf-8")
        pages = PdfReader(REG / f"{stem}.pdf").pages
        broken = 0
        for n, page in enumerate(pages, start=1):
            lines = page.extract_text().splitlines()
            assert lines[-1].strip() == f"- {n} -", (stem, n, lines[-1])
            for a, b in zip(lines, lines[1:], strict=False):
                tail = re.search(r"[가-힣]{1,4}$", a.rstrip())
                head = re.match(r"[가-힣]{1,4}", b.lstrip())
                if tail and head and len(tail[0] + head[0]) >= 4:
                    broken += (tail[0] + head[0]) in source and f"{tail[0]} {head[0]}" not in source
        assert broken >= 3, (stem, broken)


def test_questions_are_valid_and_point_at_real_articles(texts):
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 90
    assert len({r["id"] for r in rows}) == len(rows)
    per_doc: dict[str, int] = {}
    for r in rows:
        assert set(r) == {"id", "question", "source", "locator", "law", "split"}, r
        assert r["split"] in {"tune", "heldout"}, r
        assert r["source"] in DOCS, r
        assert r["law"] == DOCS[r["source"]], r
        assert r["locator"] in _articles(texts[r["source"]]), r
        assert len(r["question"]) >= 8, r
        per_doc[r["source"]] = per_doc.get(r["source"], 0) + 1
    assert set(per_doc) == set(DOCS) and min(per_doc.values()) >= 8, per_doc


def test_generated_documents_rebuild_byte_identical(tmp_path):
    pytest.importorskip("fpdf")
    pytest.importorskip("hwpx")
    if not Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf").exists():
        pytest.skip("fonts-nanum not installed: PDFs cannot be rebuilt")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_regulation_docs", ROOT / "scripts" / "build_regulation_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(n for n in DOCS if n.endswith((".pdf", ".hwpx")))
    for name in built:
        assert (tmp_path / name).read_bytes() == (REG / name).read_bytes(), name
