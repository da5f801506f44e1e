"""The `search` / `status` CLI contract on a real home (SQLite + bm25s + Chroma, hashed embedder)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from assistant.cli import main

CONTRACT = {"source", "locator", "title", "kind", "score", "text", "metadata"}


def run_cli(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, out


def test_search_json_contract(indexed_home, capsys):
    code, out = run_cli(capsys, "--home", str(indexed_home), "search", "여행자 휴대품 면세 800달러", "--json", "--k", "3")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "여행자 휴대품 면세 800달러"
    assert 1 <= len(data["results"]) <= 3
    top = data["results"][0]
    assert CONTRACT <= set(top)
    assert top["source"] == "관세법_샘플.txt" and top["locator"].startswith("제96조")
    assert isinstance(top["score"], float) and isinstance(top["metadata"], dict)


def test_stdin_queries_give_jsonl_in_order(indexed_home, capsys, monkeypatch):
    code, out = run_cli(capsys, "--home", str(indexed_home), "search", "-", "--json", "--k", "2",
                        stdin="보세구역 반입 신고\n\n관세법 94조\n", monkeypatch=monkeypatch)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["query"] for d in lines] == ["보세구역 반입 신고", "관세법 94조"]
    assert lines[1]["results"][0]["locator"] == "제94조"


def test_officer_role_never_gets_findings(indexed_home, capsys):
    argv = ["--home", str(indexed_home), "--role", "officer", "search", "보세사 공백을 방치한 사례", "--json", "--k", "10"]
    _, out = run_cli(capsys, *argv)
    results = json.loads(out)["results"]
    assert results and all(r["kind"] != "finding" for r in results)
    # even when the officer asks for findings explicitly
    _, out = run_cli(capsys, *argv, "--kind", "finding")
    assert json.loads(out)["results"] == []
    # an auditor gets the finding first
    _, out = run_cli(capsys, "--home", str(indexed_home), "--role", "auditor", "search", "보세사 공백을 방치한 사례", "--json")
    assert json.loads(out)["results"][0]["kind"] == "finding"


def test_filter_options(indexed_home, capsys):
    _, out = run_cli(capsys, "--home", str(indexed_home), "search", "특송 목록통관 보세사", "--json",
                     "--kind", "finding", "--year-from", "2023", "--disposition", "시정")
    results = json.loads(out)["results"]
    assert [r["locator"] for r in results] == ["지적 2"]
    _, out = run_cli(capsys, "--home", str(indexed_home), "search", "신고", "--json", "--source", "보세화물_관리에_관한_고시_샘플.md")
    assert {r["source"] for r in json.loads(out)["results"]} == {"보세화물_관리에_관한_고시_샘플.md"}


def test_table_output_is_readable(indexed_home, capsys):
    code, out = run_cli(capsys, "--home", str(indexed_home), "search", "보세구역 반입 신고")
    assert code == 0 and "관세법_샘플.txt 제157조" in out and "[규정]" in out


def test_bad_k_is_a_clear_error(indexed_home, capsys):
    assert main(["--home", str(indexed_home), "search", "신고", "--k", "0"]) != 0
    assert "--k" in capsys.readouterr().err


def test_status_json(indexed_home, capsys):
    code, out = run_cli(capsys, "--home", str(indexed_home), "status", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["embedder"]["type"] == "hashed"
    assert info["reranker"]["configured"] is False
    assert info["llm"]["mode"] == "none"
    assert info["records"]["regulation"] == 7 and info["records"]["finding"] == 2
    assert info["disk_bytes"]["sqlite"] > 0 and info["disk_bytes"]["bm25"] > 0
    assert "languages" in info["ocr"]
    if info["ocr"]["available"]:  # how many label checks read at once, and where
        assert info["ocr"]["workers"] >= 1 and info["ocr"]["processes"] is None
    _, out = run_cli(capsys, "--home", str(indexed_home), "--role", "officer", "status", "--json")
    assert "finding" not in json.loads(out)["records"]


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['assistant', '--help']\n"
        "try:\n    runpy.run_module('assistant', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ['torch', 'chromadb', 'kiwipiepy', 'sentence_transformers', 'gradio', 'llama_cpp', 'transformers']\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "search" in out.stdout  # the help text listed the command
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_search_never_opens_a_network_connection(indexed_home, capsys, monkeypatch):
    import socket

    attempts = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            attempts.append(address)
            raise OSError("network disabled in this test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    code, out = run_cli(capsys, "--home", str(indexed_home), "search", "보세구역 반입 신고", "--json")
    assert code == 0 and json.loads(out)["results"]
    assert attempts == []


def test_eval_command_scores_a_question_file(indexed_home, capsys, tmp_path):
    qfile = tmp_path / "regulations.jsonl"
    rows = [{"id": "q1", "question": "여행자가 들고 온 술 면세 한도", "source": "관세법_샘플.txt", "locator": "제96조"},
            {"id": "q2", "question": "보세구역에 물건 넣을 때 신고", "source": "관세법_샘플.txt", "locator": "제157조"}]
    qfile.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out = run_cli(capsys, "--home", str(indexed_home), "eval", "--questions", str(qfile), "--json")
    assert code == 0
    (report,) = json.loads(out)
    assert report["questions"] == 2 and report["recall@5"] == 1.0 and report["p50_ms"] is not None
