"""Generate the sample audit-findings corpus (감사지적 사례, 샘플) and the finding question set.

Writes, reproducibly (fixed seed), everything under corpora/audit_findings/:
  findings_sample_2018_2025.csv   CP949, headers 감사연도,감사기관,감사대상,감사종류,지적사항,내용,처분,관련규정,분야
  findings_sample_cards.xlsx      synonymous headers 연도,감사실시기관,피감기관,감사구분,제목,지적내용,처분요구,근거법령,업무분야
  audit_report_2024_incheon_airport_sample.pdf   one report, numbered findings (지적 N)
and bench/questions/findings.jsonl (one question per line, exactly one correct finding each).

All content is fictional sample text built from scripts/build_findings_topics.py.

    .venv/bin/python scripts/build_findings_report.py
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import logging
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_findings_topics import ALLOWED_ARTICLES, FR, FS, TB, TG, TOPICS, TS, TT, L  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "corpora" / "audit_findings"
QUESTIONS = ROOT / "bench" / "questions" / "findings.jsonl"
FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")
SEED = 20240517

CSV_NAME = "findings_sample_2018_2025.csv"
XLSX_NAME = "findings_sample_cards.xlsx"
PDF_NAME = "audit_report_2024_incheon_airport_sample.pdf"
CSV_HEADERS = ["감사연도", "감사기관", "감사대상", "감사종류", "지적사항", "내용", "처분", "관련규정", "분야"]
XLSX_HEADERS = ["연도", "감사실시기관", "피감기관", "감사구분", "제목", "지적내용", "처분요구", "근거법령", "업무분야"]
CSV_ROWS = 70
PDF_COUNT = 25
PDF_YEAR = 2024
PDF_AUDITOR = "관세청 감사담당관실"
PDF_ORG = "인천공항세관"

OFFICES = {
    "보세화물": ["부산세관 보세화물과", "인천세관 보세화물과", "평택세관 화물관리과", "광양세관 보세화물과",
             "인천공항세관 화물관리과", "울산세관 보세화물과", "용당세관 화물관리과", "대구세관 화물관리과"],
    "통관": ["평택세관 수입과", "서울세관 통관지원과", "부산세관 수입과", "인천세관 수입과", "용당세관 수입과",
           "구미세관 통관지원과", "광양세관 통관지원과"],
    "특송": ["인천공항세관 특송통관과", "인천세관 특송통관과", "평택세관 특송통관과", "부산세관 특송통관과"],
    "여행자": ["인천공항세관 여행자통관1과", "인천공항세관 여행자통관2과", "김포공항세관 여행자통관과",
            "김해공항세관 여행자통관과", "제주세관 여행자통관과", "대구세관 여행자통관과"],
    "심사": ["서울세관 심사1과", "부산세관 심사총괄과", "인천세관 심사과", "대구세관 심사과", "평택세관 심사과"],
    "조사": ["서울세관 조사1과", "부산세관 조사총괄과", "인천공항세관 조사과", "인천세관 조사과", "광양세관 조사과"],
}
OFFICES["복무"] = [o for f in ("보세화물", "특송", "여행자", "조사") for o in OFFICES[f]]
PDF_UNITS = {"보세화물": "화물관리과", "통관": "수출입통관과", "특송": "특송통관과", "여행자": "여행자통관1과",
             "심사": "심사과", "조사": "조사과", "복무": "여행자통관2과"}
REGION = {"서울": "서울", "평택": "서울", "구미": "대구", "대구": "대구", "인천": "인천", "인천공항": "인천",
          "김포공항": "인천", "부산": "부산", "용당": "부산", "김해공항": "부산", "울산": "부산", "광양": "광주", "제주": "광주"}
WAREHOUSES = ["한빛로지스 제1보세창고", "동해물류 보세창고", "새솔통운 특허보세창고", "미래글로벌 보세창고", "청해CFS",
              "대양냉동 보세창고", "늘봄물류센터 보세창고", "서해항운 제2보세창고", "가온로지텍 보세창고",
              "하늘길 항공화물 보세창고"]
COURIERS = ["스카이익스프레스(주)", "한결특송(주)", "오션브릿지특송(주)", "누리퀵글로벌(주)", "바로특송(주)"]


class Word(str):
    """A string that picks its Korean particle (조사) in a format spec: f"{Word('한약재'):으로}" == "한약재로"."""

    PAIRS = {"을": ("을", "를"), "이": ("이", "가"), "은": ("은", "는"), "과": ("과", "와"), "으로": ("으로", "로")}

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        with_final, without = self.PAIRS[spec]
        last = self.rstrip()[-1]
        final = (ord(last) - 0xAC00) % 28 if "가" <= last <= "힣" else 0
        if spec == "으로" and final == 8:  # ㄹ takes 로
            return f"{self}로"
        return f"{self}{with_final if final else without}"


def won(n: int) -> str:
    return f"{n:,}원"


def kdate(d: dt.date) -> str:
    return f"{d.year}. {d.month}. {d.day}."


def office_short(office: str) -> str:
    return office.split()[0]


def auditor_and_type(rng: random.Random, office: str, field: str) -> tuple[str, str]:
    region = REGION[office_short(office).removesuffix("세관")]
    r = rng.random()
    if r < 0.45:
        auditor = "관세청 감사담당관실"
        kind = "복무감사" if field == "복무" else rng.choice(["정기감사", "특정감사"])
    elif r < 0.6 and field != "복무":
        auditor, kind = "감사원", rng.choice(["특정감사", "정기감사"])
    else:
        auditor = f"{region}본부세관 자체감사반"
        kind = "복무감사" if field == "복무" else "자체감사"
    return auditor, kind


def regulation_text(rng: random.Random, regs: list[tuple[str, str]]) -> str:
    chosen = [regs[0]] + [r for r in regs[1:] if rng.random() < 0.5]
    parts = []
    for law, art in chosen:
        if "항" not in art and rng.random() < 0.2:
            art = f"{art} 제{rng.choice([1, 2])}항"
        parts.append(f"{law} {art}")
    return ", ".join(parts)


def check_regulation(text: str) -> None:
    """Every citation must name an article that exists in the sample regulations."""
    for cite in text.split(", "):
        m = re.fullmatch(r"(.+\(샘플\)) (제\d+조(?:의\d+)?)(?: 제\d+항)?", cite)
        assert m and m.group(2) in ALLOWED_ARTICLES[m.group(1)], cite


def fill(rng: random.Random, topic: dict, index: int, year: int, office: str) -> tuple[str, dict]:
    py = year - 1
    start = dt.date(py, 1, 1) + dt.timedelta(days=rng.randint(0, 240))
    d2 = rng.randint(60, 300)
    p_start = dt.date(py, rng.choice([1, 3, 4, 7]), 1)
    p_end = (p_start.replace(month=p_start.month + 5, day=28) if p_start.month <= 7 else dt.date(py, 12, 31))
    values = {
        "office": office, "wh": rng.choice(WAREHOUSES), "co": rng.choice(COURIERS),
        "n1": rng.randint(2, 9), "n2": rng.randint(11, 95), "n3": rng.randint(120, 2400),
        "n4": rng.randint(2, 9), "n5": rng.randint(11, 95), "b": rng.randint(7, 24), "pct": rng.randint(12, 60),
        "a3": won(rng.randint(100, 900) * 10_000),
        "a1": won(rng.randint(30, 990) * 10_000), "a2": won(rng.randint(100, 4800) * 100_000),
        "d1": rng.randint(5, 45), "d2": d2, "date1": kdate(start), "date2": kdate(start + dt.timedelta(days=d2)),
        "period": f"{kdate(p_start)}~{kdate(p_end)}", "py": py, "usd": f"{rng.randint(950, 6800):,}",
        "L": L, "TG": TG, "TS": TS, "TB": TB, "TT": TT, "FS": FS, "FR": FR,
    }
    for key, pool in topic.get("pools", {}).items():
        values[key] = rng.choice(pool)
    # derived values keep the numbers of one finding consistent with each other
    a2 = int(values["a2"].rstrip("원").replace(",", ""))
    usd = int(values["usd"].replace(",", ""))
    values.update(k1=rng.randint(1, values["n1"] - 1), k2=rng.randint(1, values["n2"] // 2),
                  k4=rng.randint(1, values["n4"]), wk=rng.randint(1, 2),
                  a2tax=won(a2 * 18 // 100 // 10_000 * 10_000),
                  tax_trav=won(max(usd - 800, 100) * 1350 * 20 // 100 // 10_000 * 10_000))
    if "fixed" in topic:
        values.update(topic["fixed"][index])
    sentences = []
    for s in topic["body"]:
        if s.startswith("?"):
            if rng.random() < 0.6:
                sentences.append(s[1:])
        else:
            sentences.append(s)
    values = {k: Word(v) if isinstance(v, str) else v for k, v in values.items()}
    text = " ".join(s.format_map(values) for s in sentences)
    return text, values


def build_instances(rng: random.Random) -> list[dict]:
    """All findings, each with its topic, title, year, office and filled text (not yet placed in a file)."""
    pdf_topics = set(t["key"] for t in rng.sample(TOPICS, PDF_COUNT))
    out = []
    for topic in TOPICS:
        assert topic["count"] <= len(topic["titles"]), topic["key"]
        n = topic["count"]
        pdf_slot = rng.randrange(n) if topic["key"] in pdf_topics else -1
        years = rng.sample([y for y in range(2018, 2026) if y != PDF_YEAR or pdf_slot < 0], n)
        if pdf_slot >= 0:
            years[pdf_slot] = PDF_YEAR
        offices = rng.sample(OFFICES[topic["field"]], min(n, len(OFFICES[topic["field"]])))
        for i in range(n):
            in_pdf = i == pdf_slot
            office = (f"{PDF_ORG} {PDF_UNITS[topic['field']]}" if in_pdf else offices[i % len(offices)])
            if in_pdf:
                auditor, kind = PDF_AUDITOR, "정기감사"
            else:
                auditor, kind = auditor_and_type(rng, office, topic["field"])
            text, values = fill(rng, topic, i, years[i], office)
            reg = regulation_text(rng, topic["regs"])
            check_regulation(reg)
            out.append(dict(topic=topic, title=topic["titles"][i], year=years[i], office=office, auditor=auditor,
                            audit_type=kind, text=text, values=values, regulation=reg,
                            disposition=topic["disp"][i % len(topic["disp"])], field=topic["field"], in_pdf=in_pdf))
    titles = [f["title"] for f in out]
    assert len(titles) == len(set(titles)), "titles must be unique"
    return out


def place(rng: random.Random, findings: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    pdf = [f for f in findings if f["in_pdf"]]
    rest = [f for f in findings if not f["in_pdf"]]
    rng.shuffle(pdf)
    rng.shuffle(rest)
    csv_rows, xlsx_rows = rest[:CSV_ROWS], rest[CSV_ROWS:]
    for i, f in enumerate(csv_rows, 1):
        f.update(source=CSV_NAME, locator=f"행 {i}")
    for i, f in enumerate(xlsx_rows, 1):
        f.update(source=XLSX_NAME, locator=f"행 {i}")
    for i, f in enumerate(pdf, 1):
        f.update(source=PDF_NAME, locator=f"지적 {i}")
    return csv_rows, xlsx_rows, pdf


def write_csv(rows: list[dict]) -> None:
    with open(OUT / CSV_NAME, "w", encoding="cp949", errors="strict", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_HEADERS)
        for f in rows:
            w.writerow([f["year"], f["auditor"], f["office"], f["audit_type"], f["title"], f["text"],
                        f["disposition"], f["regulation"], f["field"]])


def write_xlsx(rows: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "감사지적사례(샘플)"
    ws.append(XLSX_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for f in rows:
        ws.append([f["year"], f["auditor"], f["office"], f["audit_type"], f["title"], f["text"],
                   f["disposition"], f["regulation"], f["field"]])
    for col, width in zip("ABCDEFGHI", [8, 22, 26, 10, 36, 90, 10, 48, 10], strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = "감사지적 사례 카드(샘플)"
    wb.properties.creator = "customs-assistant sample generator"
    wb.save(OUT / XLSX_NAME)
    make_zip_deterministic(OUT / XLSX_NAME)


def make_zip_deterministic(path: Path) -> None:
    """openpyxl stamps the save time into the zip entries and docProps/core.xml: pin both so the
    file is byte-identical across runs (ingest hashes file contents)."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
                data = re.sub(rb"(<dcterms:created[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def write_pdf(rows: list[dict], rng: random.Random) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Nanum", size=9)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    def line(doc: FPDF, h: float, text: str, **kw: object) -> None:
        doc.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT", **kw)

    pdf = Report(format="A4")
    pdf.set_creation_date(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    pdf.set_title(f"{PDF_YEAR}년 {PDF_ORG} 정기감사 결과 보고서(샘플)")
    pdf.add_font("Nanum", "", str(FONT))
    pdf.add_font("Nanum", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Nanum", "B", 16)
    line(pdf, 10, f"{PDF_YEAR}년 {PDF_ORG} 정기감사 결과 보고서(샘플)", align="C")
    pdf.ln(4)
    pdf.set_font("Nanum", size=11)
    for label, value in [("감사연도", str(PDF_YEAR)), ("감사기관", PDF_AUDITOR), ("감사대상", PDF_ORG),
                         ("감사종류", "정기감사"), ("감사기간", f"{PDF_YEAR}. 5. 13.~{PDF_YEAR}. 5. 31.")]:
        pdf.cell(0, 7, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Nanum", size=9)
    line(pdf, 5, "※ 이 문서는 시험·교육용으로 작성한 가상의 샘플이며, 실제 감사 결과가 아닙니다. "
                         "등장하는 업체·제품·금액은 모두 지어낸 것입니다.")
    pdf.ln(4)
    pdf.set_font("Nanum", "B", 13)
    pdf.cell(0, 8, "Ⅰ. 감사 개요", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Nanum", size=11)
    line(pdf, 6.5, f"{PDF_AUDITOR}은 {PDF_ORG}의 {PDF_YEAR - 1}년 업무 전반을 대상으로 정기감사를 실시하여 "
                           f"모두 {len(rows)}건의 지적사항을 확인하였다. 지적사항별 현황과 관련 규정, 처분은 다음과 같다.")
    pdf.ln(3)
    pdf.set_font("Nanum", "B", 13)
    pdf.cell(0, 8, "Ⅱ. 지적사항", new_x="LMARGIN", new_y="NEXT")
    for n, f in enumerate(rows, 1):
        pdf.ln(3)
        pdf.set_font("Nanum", "B", 12)
        line(pdf, 7, f"{n}. {f['title']}")
        pdf.set_font("Nanum", size=10)
        unit = f["office"].removeprefix(PDF_ORG).strip()
        line(pdf, 6, f"(업무분야: {f['field']} / 대상부서: {unit})")
        pdf.set_font("Nanum", size=11)
        # compact dates in the PDF so a wrapped line never starts with "28. " (it would look like a section number)
        text = re.sub(r"(\d{4})\. (\d{1,2})\. (\d{1,2})\.", r"\1.\2.\3.", f["text"])
        sentences = re.split(r"(?<=다\.) ", text)
        has_problem = len(sentences) >= 4 and rng.random() < 0.3
        body, problem = (sentences[:-1], sentences[-1]) if has_problem else (sentences, None)
        line(pdf, 6.5, "가. 현황")
        cut = len(body) // 2 if len(body) >= 4 and rng.random() < 0.5 else len(body)
        for para in (body[:cut], body[cut:]):
            if para:
                line(pdf, 6.5, "  " + " ".join(para))
        letters = iter("나다라")
        if problem:
            line(pdf, 6.5, f"{next(letters)}. 문제점")
            line(pdf, 6.5, "  " + problem)
        reg_label = rng.choice(["관련 규정: ", "관련 규정: ", "관련규정 : "])
        line(pdf, 6.5, f"{next(letters)}. {reg_label}{f['regulation']}")
        disp_label = rng.choice(["처분: ", "처분: ", "처분요구: "])
        line(pdf, 6.5, f"{next(letters)}. {disp_label}{f['disposition']}")
    pdf.output(str(OUT / PDF_NAME))


# Topics an officer's paraphrase could confuse with each other: a question must single out its finding
# against every finding of the same group, not only of the same topic.
CONFUSABLE = [
    {"late_entry_fine", "fine_277", "unreported_release", "proxy_approval"},
    {"traveler_allowance", "alcohol_tobacco", "declaration_penalty", "traveler_selection"},
    {"detained_goods", "detained_private_use", "seized_goods", "return_delay"},
    {"hazard_food_block", "food_inspection", "hold_not_applied", "safety_inspection", "prohibited_goods"},
    {"list_clearance_excluded", "self_use_limit", "split_shipment", "us_200", "list_correction", "false_list_company"},
    {"tax_review", "classification", "dutiable_value", "declaration_correction", "late_declaration",
     "post_clearance_review"},
    {"statute_limit", "arrears", "deadline_calc"},
    {"smuggling_case", "evasion", "false_declaration", "drug_express"},
    {"inventory_check", "overtime_false", "overdue_goods", "lost_cargo_duty"},
    {"bonded_officer_vacancy", "bonded_officer_sharing", "warehouse_cctv", "hospitality", "outside_storage"},
]
GROUP = {key: i for i, keys in enumerate(CONFUSABLE) for key in keys}


def group_of(f: dict) -> object:
    return GROUP.get(f["topic"]["key"], f["topic"]["key"])


def question_for(rng: random.Random, f: dict, findings: list[dict]) -> str | None:
    """A paraphrased question that only `f` answers, or None when `f` cannot be singled out."""
    topic = f["topic"]
    same_group = [g for g in findings if g is not f and group_of(g) == group_of(f)]
    short = office_short(f["office"])
    if topic.get("qd") and rng.random() < 0.6:
        detail = topic["qd"].format_map(f["values"])
        if not any(topic["qd"].format_map(g["values"]) == detail for g in same_group if g["topic"] is topic):
            if not f["in_pdf"] and rng.random() < 0.5:
                return f"{short} {detail}"
            return detail
    para = rng.choice(topic["q"])
    if f["in_pdf"]:
        # every PDF finding shares year and office: the paraphrase alone must single it out
        rivals = [g for g in same_group if g["in_pdf"]]
        if not rivals:
            return rng.choice([f"{f['year']}년 {PDF_ORG} 정기감사 {para}", f"{PDF_ORG} 감사보고서에 나온 {para}",
                               f"{para} ({PDF_ORG}, {f['year']}년)"])
        if any(g["office"] == f["office"] for g in rivals):
            return None
        return rng.choice([f"{f['year']}년 정기감사에서 {f['office']}의 {para}", f"{para} ({f['office']}, {f['year']}년)"])
    if any(g["year"] == f["year"] and office_short(g["office"]) == short for g in same_group):
        return None
    return rng.choice([f"{f['year']}년 {short} {para}", f"{short}에서 {f['year']}년 감사 때 지적된 {para}",
                       f"{para} ({f['year']}년, {short})", f"{f['year']}년 감사에서 {f['office']}의 {para}"])


def write_questions(rng: random.Random, placed: list[list[dict]], total: int = 40) -> int:
    """Questions from the PDF first (few can be singled out there), then the CSV and XLSX in turn."""
    findings = [f for group in placed for f in group]
    csv_rows, xlsx_rows, pdf_rows = placed
    lines: list[str] = []
    queues = [rng.sample(pdf_rows, len(pdf_rows)), rng.sample(csv_rows, len(csv_rows)),
              rng.sample(xlsx_rows, len(xlsx_rows))]
    asked: list[dict] = []
    for f in queues[0]:
        q = question_for(rng, f, findings)
        if q is not None and len(asked) < 13:
            asked.append(f)
            lines.append(q)
    turn = 1
    while len(asked) < total and (queues[1] or queues[2]):
        queue = queues[turn] or queues[3 - turn]
        f = queue.pop()
        q = question_for(rng, f, findings)
        if q is not None:
            asked.append(f)
            lines.append(q)
            turn = 3 - turn
    # split by whole document (bench/questions/SPLIT_findings.md): the XLSX is held out, never tuned on
    lines = [json.dumps({"id": f"f{i:03d}", "question": q, "source": f["source"], "locator": f["locator"],
                         "finding_title": f["title"], "year": f["year"],
                         "split": "heldout" if f["source"] == XLSX_NAME else "tune"}, ensure_ascii=False)
             for i, (q, f) in enumerate(zip(lines, asked, strict=True), 1)]
    QUESTIONS.parent.mkdir(parents=True, exist_ok=True)
    QUESTIONS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main() -> int:
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    findings = build_instances(rng)
    csv_rows, xlsx_rows, pdf_rows = place(rng, findings)
    write_csv(csv_rows)
    write_xlsx(xlsx_rows)
    write_pdf(pdf_rows, rng)
    nq = write_questions(rng, [csv_rows, xlsx_rows, pdf_rows])
    print(f"{CSV_NAME}: {len(csv_rows)}  {XLSX_NAME}: {len(xlsx_rows)}  {PDF_NAME}: {len(pdf_rows)}  "
          f"total: {len(findings)}  questions: {nq}")
    for key in ("disposition", "field", "year"):
        counts = collections.Counter(f[key] for f in findings)
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
