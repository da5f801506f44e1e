"""The ingest pipeline against the real Index: counts, unchanged re-run, change, prune, bad files, lock."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from assistant.errors import IndexBusy
from assistant.settings import load_settings
from assistant.store.index import Index
from ingest.pipeline import discover, folder_kind, ingest_paths

LAW = """관세법(샘플)
제1장 총칙
제1조(목적) 이 법은 관세의 부과와 징수를 정한다.
제2조(정의) 이 법에서 "수입"이란 외국물품을 들여오는 것을 말한다.
제3조 삭제 <2020. 1. 1.>
제2장 통관
제10조(신고) ① 물품을 수입하려면 세관장에게 신고하여야 한다.
② 신고의 방법은 대통령령으로 정한다.
"""

FINDINGS_CSV = (
    "감사연도,감사기관,감사대상,감사종류,지적사항,내용,처분,관련규정,분야\n"
    "2023,관세청 감사관실,인천세관,종합감사,보세사 공백 방치,보세사 없이 운영,주의요구,관세법 제157조,보세\n"
    "2022,관세청 감사관실,평택세관,특정감사,목록통관 오류,6병 초과 통관,징계요구,관세법 제241조,통관\n"
    "2021,감사원,부산세관,성과감사,가산세 미징수,가산세 누락,변상명령,관세법 제42조,징수\n"
)

I2715 = {"I2715": {"total_count": "3", "RESULT": {"CODE": "INFO-000"}, "row": [
    {"SELF_IMPORT_SEQ": "2023000001", "PRDT_NM": "Slim Fast X", "MUFC_NM": "ACME", "MUFC_CNTRY_NM": "미국",
     "INGR_NM_LST": "시부트라민, 1,3-디메틸아밀아민", "BARCD_CTN": "8801234567890", "CRET_DTM": "20230105"},
    {"SELF_IMPORT_SEQ": "2023000002", "PRDT_NM": "西布曲明 减肥胶囊", "MUFC_NM": "X", "MUFC_CNTRY_NM": "중국",
     "INGR_NM_LST": "시부트라민", "BARCD_CTN": "", "CRET_DTM": "20230106"},
    {"SELF_IMPORT_SEQ": "2023000003", "PRDT_NM": "", "MUFC_NM": "no name", "MUFC_CNTRY_NM": "태국",
     "INGR_NM_LST": "센나잎", "BARCD_CTN": "", "CRET_DTM": "20230107"},
]}}

BLOCKED = {"response": {"header": {"resultCode": "00"}, "body": {"items": {"item": [
    {"RAW_IRDNT_NM": "시부트라민", "RAW_IRDNT_ENG_NM": "Sibutramine", "RAW_IRDNT_ETC_NM": "西布曲明", "APPN_RELS_DVS": "Y",
     "APPN_DT": "20101015", "RELS_DT": "", "APPN_RSN": "의약품 성분", "RELS_RSN": ""},
    {"RAW_IRDNT_NM": "페놀프탈레인", "RAW_IRDNT_ENG_NM": "Phenolphthalein", "RAW_IRDNT_ETC_NM": "酚酞", "APPN_RELS_DVS": "Y",
     "APPN_DT": "20120101", "RELS_DT": "", "APPN_RSN": "발암 우려", "RELS_RSN": ""},
]}}}}


def make_corpus(root: Path) -> Path:
    (root / "regulations").mkdir(parents=True)
    (root / "regulations" / "관세법_샘플.txt").write_text(LAW, encoding="utf-8")
    (root / "regulations" / "README.md").write_text("# 규정 샘플\n제1조(목적) 색인되면 안 됨", encoding="utf-8")
    (root / "regulations" / ".hidden.txt").write_text(LAW, encoding="utf-8")
    (root / "audit_findings").mkdir()
    (root / "audit_findings" / "findings.csv").write_bytes(FINDINGS_CSV.encode("cp949"))
    (root / "audit_findings" / "~$findings.xlsx").write_bytes(b"lock")
    (root / "hazard_lists").mkdir()
    (root / "hazard_lists" / "i2715.json").write_text(json.dumps(I2715, ensure_ascii=False), encoding="utf-8")
    (root / "hazard_lists" / "blocked.json").write_text(json.dumps(BLOCKED, ensure_ascii=False), encoding="utf-8")
    (root / "hazard_lists" / "notes.docx.bak").write_text("x", encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpora")


@pytest.fixture
def index(home: Path):
    idx = Index(load_settings(home))
    yield idx
    idx.close()


def run(index, paths, **kw):
    lines: list[str] = []
    summary = ingest_paths(index, [str(p) for p in paths], echo=lines.append, lock_wait_s=0, **kw)
    return summary, lines


def snapshot(home: Path) -> dict[str, str]:
    """Hash of every file in the home except the lock file (which records the holder's pid)."""
    out = {}
    for p in sorted(home.rglob("*")):
        if p.is_file() and p.name != "ingest.lock":
            out[str(p.relative_to(home))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_discover_skips_hidden_readme_lock_and_unsupported(corpus: Path):
    names = sorted(t.path.name for t in discover([corpus]))
    assert names == ["blocked.json", "findings.csv", "i2715.json", "관세법_샘플.txt"]
    kinds = {t.path.name: t.folder_kind for t in discover([corpus])}
    assert kinds["findings.csv"] == "finding" and kinds["관세법_샘플.txt"] == "regulation"
    assert folder_kind(corpus / "x" / "a.txt") is None
    assert folder_kind(corpus / "audit_findings" / "2024" / "a.pdf") == "finding"


def test_first_run_counts_by_kind(index, corpus: Path):
    s, lines = run(index, [corpus])
    assert (s.seen, s.indexed, s.unchanged, s.failed) == (4, 4, 0, 0)
    assert dict(s.records) == {"regulation": 3, "finding": 3, "hazard-list": 2, "ingredient-list": 2}
    assert s.totals == {"regulation": 3, "finding": 3, "hazard-list": 2, "ingredient-list": 2}
    assert s.skipped_rows == 1 and any("i2715.json" in ln and "제품명" in ln for ln in lines)
    by_file = {r.source: r for r in index.sources()}
    assert by_file["blocked.json"].kind == "ingredient-list"  # RAW_IRDNT headers win over the folder
    assert by_file["findings.csv"].records == 3
    # structured list data landed for the label checker
    assert {p["product"] for p in index.products()} == {"Slim Fast X", "西布曲明 减肥胶囊"}
    assert {i["name_ko"] for i in index.ingredients()} == {"시부트라민", "페놀프탈레인"}
    check = index.check()
    assert check["consistent"], check["problems"]


def test_rerun_unchanged_writes_nothing(index, corpus: Path, home: Path):
    run(index, [corpus])
    before, gen = snapshot(home), index.generation()
    s, _ = run(index, [corpus])
    assert (s.indexed, s.unchanged, s.failed, s.changed) == (0, 4, 0, False)
    assert index.generation() == gen
    assert snapshot(home) == before


def test_changed_file_replaces_not_duplicates(index, corpus: Path):
    run(index, [corpus])
    law = corpus / "regulations" / "관세법_샘플.txt"
    old_ids = {r[0] for r in index.db.query("SELECT id FROM records WHERE source='관세법_샘플.txt'")}
    law.write_text(LAW.replace("제2조(정의)", "제2조(용어의 정의)") + "제11조(검사) 세관공무원은 물품을 검사할 수 있다.\n",
                   encoding="utf-8")
    s, _ = run(index, [corpus])
    assert (s.indexed, s.unchanged) == (1, 3)
    rows = index.db.query("SELECT id, locator, title FROM records WHERE source='관세법_샘플.txt'")
    assert sorted(r[1] for r in rows) == ["제10조", "제11조", "제1조", "제2조"]
    assert any("용어의 정의" in r[2] for r in rows)
    new_ids = {r[0] for r in rows}
    assert old_ids - new_ids  # the changed article's old record is gone
    assert index.counts()["regulation"] == 4
    assert index.check()["consistent"]


def test_prune_drops_vanished_files_only_with_flag(index, corpus: Path):
    run(index, [corpus])
    (corpus / "hazard_lists" / "i2715.json").unlink()
    s, _ = run(index, [corpus])
    assert s.pruned == 0 and index.counts()["hazard-list"] == 2
    s, _ = run(index, [corpus], prune=True)
    assert (s.pruned, s.pruned_records) == (1, 2)
    assert index.counts()["hazard-list"] == 0 and index.products() == []
    assert "i2715.json" not in {r.source for r in index.sources()}
    assert index.check()["consistent"]


def test_prune_stays_within_given_roots(index, corpus: Path, tmp_path: Path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "메모.txt").write_text(LAW, encoding="utf-8")
    run(index, [corpus, other])
    (other / "메모.txt").unlink()
    s, _ = run(index, [corpus], prune=True)  # 'elsewhere' is not a root this time
    assert s.pruned == 0 and "메모.txt" in {r.source for r in index.sources()}


def bad_files(folder: Path) -> dict[str, str]:
    """Each hostile input → a word its failure line must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    (folder / "not_a_zip.hwpx").write_text("이건 HWPX가 아니다", encoding="utf-8")
    (folder / "wrong_headers.csv").write_text("foo,bar,baz\n1,2,3\n", encoding="utf-8")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 40)
    (folder / "shape.json").write_text(json.dumps({"hello": {"world": 1}}), encoding="utf-8")
    (folder / "broken.json").write_text("{\"I2715\": {\"row\": [", encoding="utf-8")
    (folder / "blank.txt").write_text("\n\n   \n", encoding="utf-8")
    (folder / "image.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "encrypted.pdf", "wb") as fh:
        writer.write(fh)
    with zipfile.ZipFile(folder / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:  # 64 MB of zeros in ~64 KB
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))
    with zipfile.ZipFile(folder / "bomb.hwpx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/hwp+zip")
        zf.writestr("Contents/section0.xml", b" " * (64 << 20))
    return {p.name: p.name for p in folder.iterdir()}


def test_every_bad_file_fails_alone_and_the_batch_lands(index, corpus: Path, tmp_path: Path):
    bad = bad_files(tmp_path / "bad" / "hazard_lists")
    s, lines = run(index, [corpus, tmp_path / "bad"])
    assert s.indexed == 4 and s.failed == len(bad)
    fail_lines = [ln for ln in lines if ln.startswith("실패: ")]
    assert len(fail_lines) == len(bad)
    for name in bad:
        assert sum(name in ln for ln in fail_lines) == 1, (name, fail_lines)
    assert all(ln.count(":") >= 2 and "Traceback" not in ln for ln in fail_lines)
    assert index.counts()["regulation"] == 3
    assert index.check()["consistent"]


def test_failed_reread_keeps_old_records(index, corpus: Path):
    run(index, [corpus])
    target = corpus / "hazard_lists" / "i2715.json"
    ids = {r[0] for r in index.db.query("SELECT id FROM records WHERE source='i2715.json'")}
    target.write_text("{\"I2715\": {\"row\": [", encoding="utf-8")  # now corrupt
    s, lines = run(index, [corpus])
    assert s.failed == 1 and any(ln.startswith("실패: ") and "i2715.json" in ln for ln in lines)
    assert {r[0] for r in index.db.query("SELECT id FROM records WHERE source='i2715.json'")} == ids
    # still corrupt: still kept on the next run
    s, _ = run(index, [corpus])
    assert s.failed == 1 and index.counts()["hazard-list"] == 2


def test_missing_path_is_one_failure(index, corpus: Path, tmp_path: Path):
    s, lines = run(index, [corpus, tmp_path / "nope.txt"])
    assert s.indexed == 4 and s.failed == 1
    assert [ln for ln in lines if ln.startswith("실패")] == [f"실패: {tmp_path / 'nope.txt'}: 파일이나 폴더가 없습니다."]


def test_forced_kind_wins(index, tmp_path: Path):
    f = tmp_path / "regulations" / "report.txt"
    f.parent.mkdir()
    f.write_text("감사 결과(샘플)\n감사연도: 2024\n감사기관: 관세청\n1. 보세사 공백 방치\n가. 현황\n공백이 있었다.\n"
                 "나. 관련 규정: 관세법 제157조\n다. 처분: 주의\n", encoding="utf-8")
    s, _ = run(index, [f], kind="finding")
    assert s.records["finding"] == 1
    (rec,) = index.get([r[0] for r in index.db.query("SELECT id FROM records")])
    assert rec.locator == "지적 1" and rec.metadata["year"] == 2024 and rec.metadata["disposition"] == "주의"


def test_second_ingest_refused_while_lock_held(index, corpus: Path, home: Path):
    other = Index(load_settings(home))
    try:
        with other.lock():
            with pytest.raises(IndexBusy) as exc:
                run(index, [corpus])
        assert "다른 색인 작업이 진행 중" in str(exc.value)
        s, _ = run(index, [corpus])  # lock released: proceeds
        assert s.indexed == 4
    finally:
        other.close()


def test_too_many_rows_is_a_clean_failure(index, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_RECORDS_PER_FILE", "5")
    f = tmp_path / "hazard_lists" / "big.csv"
    f.parent.mkdir()
    f.write_text("제품명,제조국,검출성분\n" + "".join(f"P{i},미국,시부트라민\n" for i in range(20)), encoding="utf-8")
    s, lines = run(index, [f])
    assert s.failed == 1 and "행이 너무 많습니다" in lines[-1]
    assert index.counts()["hazard-list"] == 0


README_COUNT = re.compile(r"\*\*(\d+)\*?\*?\s*(regulation|감사지적 사례|위해식품 목록|반입차단 성분 목록)")
KIND_OF = {"regulation": "regulation", "감사지적 사례": "finding", "위해식품 목록": "hazard-list",
           "반입차단 성분 목록": "ingredient-list"}


def test_sample_corpora_report_the_counts_in_their_readmes(index, corpora: Path):
    """`python -m ingest corpora` reports the record counts each corpora/*/README.md promises."""
    promised: dict[str, int] = {}
    for readme in sorted(corpora.glob("*/README.md")):
        for n, label in README_COUNT.findall(readme.read_text(encoding="utf-8")):
            promised[KIND_OF[label]] = int(n)
    if not promised:
        pytest.skip("no counts stated in corpora READMEs")
    s, lines = run(index, [corpora])
    assert s.failed == 0, lines
    assert {k: s.totals[k] for k in promised} == promised
    again, _ = run(index, [corpora])
    assert again.indexed == 0 and again.unchanged == s.seen


def test_hostile_file_names(index, tmp_path: Path):
    folder = tmp_path / "regulations"
    folder.mkdir()
    names = ["규정_📄_샘플.txt", "가" * 80 + ".txt", "줄\n바꿈.txt", "-dash.txt", "  spaced  .txt"]
    for i, name in enumerate(names):
        (folder / name).write_text(LAW.replace("관세법(샘플)", f"법 {i}"), encoding="utf-8")
    (folder / "bad\nname.pdf").write_bytes(b"")
    # the same folder reached twice, once through "..": every file counted once
    s, lines = run(index, [folder, folder / ".." / "regulations"])
    assert (s.seen, s.indexed, s.failed) == (len(names) + 1, len(names), 1)
    assert {r.source for r in index.sources()} == set(names)
    (fail,) = [ln for ln in lines if ln.startswith("실패")]
    assert "\n" not in fail and "bad\\nname.pdf" in fail


def test_forced_kind_change_on_same_bytes_replaces(index, tmp_path: Path):
    f = tmp_path / "report.txt"
    f.write_text("감사 결과(샘플)\n감사연도: 2024\n1. 보세사 공백 방치\n가. 현황\n공백이 있었다.\n다. 처분: 주의\n", encoding="utf-8")
    run(index, [f], kind="regulation")  # by content it is a report (finding); forced to regulation first
    assert index.counts()["regulation"] == 1
    s, _ = run(index, [f], kind="finding")
    assert s.indexed == 1 and index.counts()["regulation"] == 0 and index.counts()["finding"] == 1
    assert index.check()["consistent"]


def test_spreadsheet_formulas_stay_inert_text(index, tmp_path: Path):
    f = tmp_path / "hazard_lists" / "formula.csv"
    f.parent.mkdir()
    f.write_text('제품명,제조국,검출성분\n"=cmd|\' /C calc\'!A0",미국,"=HYPERLINK(""http://x"")"\n', encoding="utf-8")
    s, lines = run(index, [f])
    assert s.indexed == 1, lines
    (product,) = index.products()
    assert product["product"] == "=cmd|' /C calc'!A0"
    assert product["ingredients"] == '=HYPERLINK("http://x")'


def test_misfiled_table_is_read_by_its_headers(index, tmp_path: Path):
    f = tmp_path / "hazard_lists" / "감사사례.csv"  # a findings spreadsheet in the hazard-list folder
    f.parent.mkdir()
    f.write_bytes(FINDINGS_CSV.encode("cp949"))
    s, lines = run(index, [tmp_path / "hazard_lists"])
    assert s.records["finding"] == 3 and not s.failed, lines


def test_sync_failure_is_reported_and_records_stay(index, corpus: Path, monkeypatch):
    def broken_sync(*a, **kw):
        raise RuntimeError("chroma exploded")

    monkeypatch.setattr(index, "sync", broken_sync)
    s, lines = run(index, [corpus])
    assert s.indexed == 4 and s.sync_error and any("chroma exploded" in ln for ln in lines)
    assert index.counts()["regulation"] == 3
    monkeypatch.undo()
    s, _ = run(index, [corpus])  # the next run repairs the derived indexes
    assert s.unchanged == 4 and index.check()["consistent"]


def test_unsupported_files_in_a_folder_are_reported_as_skipped(index, tmp_path: Path):
    folder = tmp_path / "regulations"
    folder.mkdir()
    (folder / "규정.txt").write_text("검사 지침(샘플)\n제1조(목적) 검사 절차를 정한다.\n", encoding="utf-8")
    (folder / "보고서.docx").write_bytes(b"PK\x03\x04 docx")
    (folder / "목록.xls").write_bytes(b"\xd0\xcf\x11\xe0 xls")
    (folder / ".hidden.docx").write_bytes(b"x")  # hidden files stay silent
    s, lines = run(index, [folder])
    assert s.indexed == 1 and s.failed == 0 and s.skipped == 2
    skipped = sorted(line for line in lines if line.startswith("건너뜀: "))
    assert len(skipped) == 2 and any(x.endswith("보고서.docx: 지원하지 않는 형식 (.docx)") for x in skipped)
    data = s.to_json()
    assert data["skipped"] == 2 and sum(f["status"] == "skipped" for f in data["files"]) == 2
