"""The built app's handlers called directly (no server), with fake assistant parts."""

from __future__ import annotations

import csv
from pathlib import Path

import gradio as gr
import pytest
from app_fakes import Req
from PIL import Image

from assistant.ui.admin import AdminHandlers
from assistant.ui.builder import build_app
from assistant.ui.chat import ChatHandlers
from assistant.ui.findings import FindingsHandlers
from assistant.ui.label import LabelHandlers


def run_ask(h: ChatHandlers, question: str, user: str):
    steps = list(h.ask(question, [], None, Req(user)))
    return steps, steps[-1]


def test_build_app_has_both_languages(services):
    demo = build_app(services, services.settings)
    assert [p[0] for p in demo.pages] == ["", "en"]
    names = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert {"ask", "check_label", "search_findings"} <= names


def test_chat_streams_and_cites(services):
    h = ChatHandlers(services, "ko")
    steps, (messages, _, chips, status, state) = run_ask(h, "특송 건강기능식품 6병 초과", "kim")
    assert len(steps) >= 3  # thinking, deltas, final
    assert messages[-1]["role"] == "assistant" and "[1]" in messages[-1]["content"]
    assert "data-grounded='true'" in status
    assert chips.visible and chips.choices[0][0].startswith("[1]")
    assert all(c["kind"] != "finding" for c in state["last"]["citations"])
    entry = services.audit.entries(action="ask")[0]
    assert entry["user"] == "kim" and entry["query"] == "특송 건강기능식품 6병 초과" and "제94조" in entry["sources"]
    # history: the user's own, never another's
    assert services.history.recent("kim")[0]["question"] == "특송 건강기능식품 6병 초과"
    assert ChatHandlers(services, "ko").history(Req("lee"))[0] == []
    restored, restored_state = h.history(Req("kim"))
    assert restored[0]["content"] == "특송 건강기능식품 6병 초과" and restored_state["last"]


def test_officer_never_gets_a_finding_in_chat(services):
    h = ChatHandlers(services, "ko")
    _, (messages, _, _, _, state) = run_ask(h, "보세사 공백 방치 사례", "kim")
    assert "기밀 감사" not in messages[-1]["content"]
    assert all(c["kind"] != "finding" for c in state["last"]["citations"])
    assert all("finding" in (f.exclude_kinds or []) for f in services.retriever.calls if f is not None)
    _, (messages, _, _, _, state) = run_ask(h, "보세사 공백 방치 사례", "lee")
    assert any(c["kind"] == "finding" for c in state["last"]["citations"])


def test_ungrounded_answer_is_marked(services):
    h = ChatHandlers(services, "ko")
    _, (messages, _, chips, status, _) = run_ask(h, "qqqq xxxx", "kim")
    assert "근거 없음" in messages[-1]["content"] and "data-grounded='false'" in status
    assert not chips.visible


def test_citation_chip_opens_full_article(services):
    h = ChatHandlers(services, "ko")
    _, (_, _, chips, _, state) = run_ask(h, "건강기능식품 6병 면세", "kim")
    n = next(v for label, v in chips.choices if "제94조" in label)
    markdown, sidebar = h.open_citation(n, state, Req("kim"))
    assert "관세법(샘플)" in markdown and "제94조" in markdown and "소액물품 등의 면세" in markdown
    assert "6병 이하" in markdown and "6병을 초과" in markdown  # both paragraphs: the full article
    assert "3쪽" in markdown
    assert sidebar.open is True


def test_feedback_is_stored(services):
    h = ChatHandlers(services, "ko")
    _, (*_, state) = run_ask(h, "건강기능식품 6병", "kim")
    h.wrong_source(state, Req("kim"))
    fb = services.history.feedback("kim")
    assert fb[-1]["rating"] == "wrong_source" and fb[-1]["chat_id"] == state["last"]["chat_id"]
    with pytest.raises(gr.Error):
        h.wrong_source({}, Req("kim"))


def test_no_session_no_answer(services):
    h = ChatHandlers(services, "ko")
    with pytest.raises(gr.Error):
        next(h.ask("질문", [], None, Req(None)))
    with pytest.raises(gr.Error):
        next(h.ask("질문", [], None, Req("deleted-user")))


def _photo(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (64, 48), "white").save(path, format="JPEG")
    return str(path)


def test_label_check_hazard_badge_and_audit(services, tmp_path):
    h = LabelHandlers(services, "ko")
    badge, summary, rows, ocr, basis, state = h.check([_photo(tmp_path, "sibutramine-front.jpg"),
                                                      _photo(tmp_path, "back.jpg")], None, Req("kim"))
    assert "verdict-hazard" in badge and "green" not in badge.lower()
    assert rows[0][1] == "Sibutramine" and "<mark>Sibutramine HCl</mark>" in ocr
    assert "ms" in summary and "8801234567890" in summary
    assert services.label_checker.seen[-1] == ["sibutramine-front.jpg", "back.jpg"]
    entry = services.audit.entries(action="label_check")[0]
    assert entry["verdict"] == "hazard" and len(entry["file_sha256"].split(",")[0]) == 64
    markdown, sidebar = h.open_basis(basis.choices[0][1], state, Req("kim"))
    assert "제25조의3" in markdown and sidebar.open


def test_label_not_listed_is_grey_not_safe(services, tmp_path):
    badge, *_ = LabelHandlers(services, "ko").check([_photo(tmp_path, "honey.jpg")], None, Req("kim"))
    assert "verdict-none" in badge and "목록에 없음" in badge and "기준일 2026-11-19" in badge
    assert "안전" not in badge.replace("안전하다는 뜻이 아닙니다", "")


def test_label_rejects_non_images(services, tmp_path):
    fake = tmp_path / "label.jpg"
    fake.write_text("not an image at all")
    with pytest.raises(gr.Error, match="label.jpg"):
        LabelHandlers(services, "ko").check([str(fake)], None, Req("kim"))
    with pytest.raises(gr.Error):
        LabelHandlers(services, "ko").check([], None, Req("kim"))


def test_findings_are_for_auditors_only(services):
    h = FindingsHandlers(services, "ko")
    with pytest.raises(gr.Error, match="권한"):
        h.search("보세사 공백", 0, 0, "", "전체", "", Req("kim"))
    assert services.audit.entries(action="denied")[0]["user"] == "kim"
    rows, items, _ = h.search("보세사 공백", 0, 0, "", "전체", "", Req("lee"))
    assert rows[0][0] == 2022 and items[0]["kind"] == "finding"
    rows, items, note = h.search("사례", 2021, 2023, "", "전체", "", Req("lee"))
    assert [r[0] for r in rows] == [2022]
    rows, _, _ = h.search("사례", None, None, "", "시정", "", Req("lee"))
    assert [r[3] for r in rows] == ["시정"]
    rows, _, _ = h.search("사례", None, None, "", "전체", "관세법 제94조", Req("lee"))
    assert [r[4] for r in rows] == ["관세법 제94조"]
    rows, _, note = h.search("사례", 1990, 1991, "", "전체", "", Req("lee"))
    assert rows == [] and note


def test_finding_detail_links_breached_article_and_exports_safe_csv(services):
    h = FindingsHandlers(services, "ko")
    rows, items, _ = h.search("사례", None, None, "", "전체", "", Req("root"))
    row = next(i for i, it in enumerate(items) if it["metadata"]["regulation"] == "관세법 제157조")
    detail, selected = h.detail_of(items, row)
    assert "관세법 제157조" in detail and selected == row
    markdown, sidebar = h.open_regulation(items, selected, Req("root"))
    assert "보세사를 채용" in markdown and sidebar.open
    path = h.export(items, Req("root"))["value"]
    with open(path, encoding="utf-8-sig") as f:
        data = list(csv.reader(f))
    titles = [r[5] for r in data[1:]]
    assert "'=HYPERLINK 특송 건강기능식품 면세 착오" in titles
    with pytest.raises(gr.Error):
        h.export(items, Req("kim"))


def test_admin_actions_are_admin_only(services, tmp_path, monkeypatch):
    h = AdminHandlers(services, "ko")
    for user in ("kim", "lee"):
        with pytest.raises(gr.Error, match="권한"):
            h.overview(Req(user))
        with pytest.raises(gr.Error):
            next(h.ingest([], None, Req(user)))
        with pytest.raises(gr.Error):
            h.prune(Req(user))
        with pytest.raises(gr.Error):
            h.export_audit(Req(user))
    sources, status = h.overview(Req("root"))
    assert sources[0][0] == "관세법(샘플).txt" and "hashed-512" in status


def test_admin_ingest_stores_checks_and_logs(services, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "ingest_file", lambda p, kind=None: (calls.append((p, kind)), (True, "regulation · indexed · 3"))[1])
    good = tmp_path / "규정.txt"
    good.write_text("제1조(목적) 이 규정은 샘플이다.", encoding="utf-8")
    bad = tmp_path / "report.pdf"
    bad.write_text("not a pdf")
    results = list(AdminHandlers(services, "ko").ingest([str(good), str(bad)], "regulation", Req("root")))[-1][0]
    assert results[0][3] == "성공" and results[1][3] == "오류" and "report.pdf" in results[1][4]
    assert len(calls) == 1 and calls[0][0].parent == services.home / "uploads" and calls[0][1] == "regulation"
    uploads = services.audit.entries(action="upload")
    assert {e["verdict"] for e in uploads} == {"stored", "rejected"}
    stored = next(e for e in uploads if e["verdict"] == "stored")
    assert len(stored["file_sha256"]) == 64 and "샘플이다" not in str(stored)


def test_prune_and_audit_export(services):
    h = AdminHandlers(services, "ko")
    note, sources = h.prune(Req("root"))
    assert "old.txt" in note and all(r[0] != "old.txt" for r in sources)
    services.audit.append("kim", "officer", "ask", query="=cmd|' /C calc'!A0")
    path = h.export_audit(Req("root"))["value"]
    text = open(path, encoding="utf-8-sig").read()
    assert "'=cmd|" in text and "export_audit_log" in text
