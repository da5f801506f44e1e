"""Sanity checks for the sample audit-findings and hazard-list corpora and the finding question set.

They read the committed files with plain libraries (csv, openpyxl, pypdf, json), independent of the
ingester, and re-run the generators into a temporary folder to prove the committed files are exactly
what the scripts produce.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = ROOT / "corpora" / "audit_findings"
LISTS = ROOT / "corpora" / "hazard_lists"
QUESTIONS = ROOT / "bench" / "questions" / "findings.jsonl"
SCRIPTS = ROOT / "scripts"

ALLOWED = {
    "관세법(샘플)": {"제2조", "제8조", "제21조", "제38조", "제39조", "제94조", "제96조", "제157조", "제206조", "제234조",
                 "제237조", "제241조", "제246조의3", "제269조", "제270조", "제276조", "제277조"},
    "수입통관 사무처리에 관한 고시(샘플)": {"제12조", "제15조", "제20조", "제25조", "제30조"},
    "특송물품 수입통관 사무처리에 관한 고시(샘플)": {"제8조", "제9조", "제12조", "제15조"},
    "보세화물 관리에 관한 고시(샘플)": {"제5조", "제7조", "제9조", "제12조", "제14조", "제18조"},
    "여행자 및 승무원 휴대품 통관에 관한 고시(샘플)": {"제6조", "제8조", "제10조", "제12조"},
    "수입식품안전관리 특별법(샘플)": {"제20조", "제25조의3"},
    "수입식품안전관리 특별법 시행규칙(샘플)": {"제44조의3"},
}
DISPOSITIONS = {"징계", "시정", "주의", "권고", "통보", "변상", "개선", "문책", "고발"}
# every substance of DOMAIN.md's table, by its Korean (or list) name
DOMAIN_SUBSTANCES = [
    "시부트라민", "N-데스메틸시부트라민", "N,N-디데스메틸시부트라민", "페놀프탈레인", "비사코딜", "센노사이드", "센나잎",
    "펜플루라민", "펜터민", "로카세린", "리모나반트", "오르리스타트", "푸로세미드", "플루옥세틴", "에페드린", "마황",
    "2,4-디니트로페놀", "1,3-디메틸아밀아민", "1,3-디메틸부틸아민", "실데나필", "타다라필", "바데나필", "호모실데나필",
    "하이드록시호모실데나필", "홍데나필", "아미노타다라필", "치오실데나필", "잔소안트라필", "요힘빈", "다폭세틴", "리도카인",
    "멜라토닌", "5-하이드록시트립토판", "페니부트", "디펜하이드라민", "독실아민", "디아제팜", "알프라졸람", "조피클론",
    "메틸테스토스테론", "메탄드로스테놀론", "스타노졸롤", "난드롤론", "볼데논", "오스타린", "안다린", "리간드롤", "테스톨론",
    "덱사메타손", "글리벤클라미드",
]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")  # really CP949, not UTF-8
    with open(path, encoding="cp949", newline="") as fh:
        return list(csv.DictReader(fh))


def xlsx_rows(path: Path) -> tuple[list[str], list[dict]]:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return headers, [dict(zip(headers, r, strict=True)) for r in rows[1:]]


def pdf_findings() -> dict[int, str]:
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(FINDINGS / "audit_report_2024_incheon_airport_sample.pdf").pages)
    assert "감사연도: 2024" in text and "감사종류: 정기감사" in text
    return {int(m.group(1)): m.group(2).strip() for m in re.finditer(r"^(\d+)\. (.+)$", text, re.M)}


def check_citations(text: str) -> None:
    for cite in text.split(", "):
        m = re.fullmatch(r"(.+\(샘플\)) (제\d+조(?:의\d+)?)(?: 제\d+항)?", cite)
        assert m, cite
        assert m.group(2) in ALLOWED[m.group(1)], cite


def ean13_ok(code: str) -> bool:
    digits = [int(d) for d in code]
    return len(code) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


# ------------------------------------------------------------------ findings

def all_findings() -> dict[tuple[str, str], dict]:
    out = {}
    for i, r in enumerate(csv_rows(FINDINGS / "findings_sample_2018_2025.csv"), 1):
        out[("findings_sample_2018_2025.csv", f"행 {i}")] = {"title": r["지적사항"], "year": int(r["감사연도"]),
                                                            "text": r["내용"], "disp": r["처분"], "reg": r["관련규정"]}
    _, rows = xlsx_rows(FINDINGS / "findings_sample_cards.xlsx")
    for i, r in enumerate(rows, 1):
        out[("findings_sample_cards.xlsx", f"행 {i}")] = {"title": r["제목"], "year": int(r["연도"]),
                                                         "text": r["지적내용"], "disp": r["처분요구"], "reg": r["근거법령"]}
    for n, title in pdf_findings().items():
        out[("audit_report_2024_incheon_airport_sample.pdf", f"지적 {n}")] = {"title": title, "year": 2024}
    return out


def test_findings_tables_have_their_headers_and_counts() -> None:
    rows = csv_rows(FINDINGS / "findings_sample_2018_2025.csv")
    assert list(rows[0]) == ["감사연도", "감사기관", "감사대상", "감사종류", "지적사항", "내용", "처분", "관련규정", "분야"]
    assert len(rows) == 70
    headers, xrows = xlsx_rows(FINDINGS / "findings_sample_cards.xlsx")
    assert headers == ["연도", "감사실시기관", "피감기관", "감사구분", "제목", "지적내용", "처분요구", "근거법령", "업무분야"]
    assert len(xrows) == 67
    assert list(pdf_findings()) == list(range(1, 26))


def test_findings_fields_are_plausible() -> None:
    found = all_findings()
    assert len(found) >= 160
    titles = [f["title"] for f in found.values()]
    assert len(set(titles)) == len(titles)
    for f in found.values():
        assert 2018 <= f["year"] <= 2025
        if "text" in f:
            assert 3 <= f["text"].count("다.") <= 8, f["title"]
            assert f["disp"] in DISPOSITIONS
            check_citations(f["reg"])


def test_pdf_sections_carry_regulation_and_disposition() -> None:
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(FINDINGS / "audit_report_2024_incheon_airport_sample.pdf").pages)
    text = re.sub(r"\s+", " ", text)
    assert len(re.findall(r"[나다라]\. 관련 ?규정 ?:", text)) == 25
    disps = re.findall(r"[다라마]\. 처분(?:요구)?: (\S+)", text)
    assert len(disps) == 25 and set(disps) <= DISPOSITIONS
    assert re.search(r"- 7 -", text)  # footer page numbers


def test_questions_point_at_exactly_one_existing_finding() -> None:
    found = all_findings()
    lines = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 35
    assert len({q["id"] for q in lines}) == len(lines)
    sources = {q["source"] for q in lines}
    assert len(sources) == 3  # every file is asked about
    for q in lines:
        target = found[(q["source"], q["locator"])]
        assert target["title"] == q["finding_title"]
        assert target["year"] == q["year"]
        assert q["question"] != q["finding_title"]


# ------------------------------------------------------------------ hazard lists

def i2715_rows() -> list[dict]:
    rows = []
    for page in ("i2715_page1_sample.json", "i2715_page2_sample.json"):
        doc = json.loads((LISTS / page).read_text(encoding="utf-8"))["I2715"]
        assert doc["RESULT"] == {"MSG": "정상처리되었습니다.", "CODE": "INFO-000"}
        assert doc["total_count"] == "225"
        rows += doc["row"]
    return rows


def test_i2715_rows_look_like_the_api() -> None:
    rows = i2715_rows()
    assert len(rows) == 225
    fields = ["SELF_IMPORT_SEQ", "PRDT_NM", "MUFC_NM", "MUFC_CNTRY_NM", "INGR_NM_LST", "BARCD_CTN", "CRET_DTM",
              "LAST_UPDT_DTM", "STT_YMD", "END_YMD", "IMAGE_URL"]
    for r in rows:
        assert list(r) == fields and all(isinstance(v, str) for v in r.values())
        assert re.fullmatch(r"\d{8}", r["CRET_DTM"]) and r["INGR_NM_LST"]
        assert r["BARCD_CTN"] == "" or ean13_ok(r["BARCD_CTN"]), r["BARCD_CTN"]
    assert len({r["SELF_IMPORT_SEQ"] for r in rows}) == len(rows)
    with_barcode = sum(bool(r["BARCD_CTN"]) for r in rows) / len(rows)
    assert 0.5 <= with_barcode <= 0.7
    names = " ".join(r["PRDT_NM"] for r in rows)
    for script in (r"[A-Za-z]", r"[\u4e00-\u9fff]", r"[\u30a0-\u30ff]", r"[\u0e00-\u0e7f]", r"[\uac00-\ud7a3]"):
        assert re.search(script, names), script
    ingredients = " ".join(r["INGR_NM_LST"] for r in rows)
    assert "1,3-디메틸아밀아민" in ingredients and "2,4-디니트로페놀" in ingredients


def test_korean_header_variants_hold_other_products() -> None:
    headers, xrows = xlsx_rows(LISTS / "hazard_products_ko_sample.xlsx")
    assert headers == ["제품명", "제조사", "제조국", "검출성분", "바코드", "등록일"]
    crows = csv_rows(LISTS / "hazard_products_ko_sample.csv")
    assert list(crows[0]) == ["제품명", "업체명", "제조국", "위해성분", "바코드", "등록일"]
    assert len(xrows) + len(crows) >= 40
    json_names = {r["PRDT_NM"] for r in i2715_rows()}
    other = [r["제품명"] for r in xrows] + [r["제품명"] for r in crows]
    assert not json_names & set(other) and len(set(other)) == len(other)
    for code in [r["바코드"] for r in xrows if r["바코드"]] + [r["바코드"] for r in crows if r["바코드"]]:
        assert ean13_ok(str(code)), code


def test_blocked_ingredient_list_covers_domain_substances() -> None:
    doc = json.loads((LISTS / "blocked_ingredients_sample.json").read_text(encoding="utf-8"))
    assert doc["header"] == {"resultCode": "00", "resultMsg": "NORMAL SERVICE."}
    items = [i["item"] for i in doc["body"]["items"]]
    assert doc["body"]["totalCount"] == len(items) >= 90
    names = {i["RAW_IRDNT_NM"] for i in items}
    assert set(DOMAIN_SUBSTANCES) <= names
    released = [i for i in items if i["APPN_RELS_DVS"] == "N"]
    assert 4 <= len(released) <= 6
    assert all(i["RELS_DT"] and i["RELS_RSN"] for i in released)
    assert all(not i["RELS_DT"] for i in items if i["APPN_RELS_DVS"] == "Y")
    for category in ("[마약류]", "[의약품 성분]", "[식품 사용불가 원료]"):
        assert any(i["APPN_RSN"].startswith(category) for i in items)
    sib = next(i for i in items if i["RAW_IRDNT_NM"] == "시부트라민")
    for other in ("西布曲明", "シブトラミン", "sibutramine hydrochloride", "시부트라민염산염", "Sibutramine HCl"):
        assert other in sib["RAW_IRDNT_ETC_NM"]


# ------------------------------------------------------------------ reproducibility

@pytest.mark.parametrize("module, folder, extra", [
    ("build_hazard_lists", LISTS, None),
    ("build_findings_report", FINDINGS, QUESTIONS),
])
def test_generators_reproduce_committed_files(module: str, folder: Path, extra: Path | None, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    mod = importlib.import_module(module)
    monkeypatch.setattr(mod, "OUT", tmp_path)
    if extra is not None:
        monkeypatch.setattr(mod, "QUESTIONS", tmp_path / extra.name)
    assert mod.main() == 0
    for made in tmp_path.iterdir():
        committed = (folder / made.name) if made.name != getattr(extra, "name", None) else extra
        assert made.read_bytes() == committed.read_bytes(), made.name
    sys.modules.pop(module, None)
