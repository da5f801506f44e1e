"""Services against the real pipeline: upload-and-ingest through `python -m ingest`, then the article
viewer and reference resolution on what was indexed. Skipped where the ingest pipeline is missing."""

from __future__ import annotations

import importlib.util

import pytest

from assistant.services import Services
from assistant.settings import load_settings
from assistant.ui.uploads import store_upload

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

if importlib.util.find_spec("ingest.pipeline") is None:
    pytest.skip("ingest pipeline not available", allow_module_level=True)

LAW = """시험법(샘플)

제1조(목적) 이 법은 업로드 색인 시험을 위한 샘플이다.
제2조(보류) ① 세관장은 위해 성분이 든 물품의 통관을 보류할 수 있다.
② 보류한 물품은 반송하거나 폐기할 수 있다.
"""


def test_upload_ingest_then_view_article(home, tmp_path):
    services = Services(load_settings(home))
    src = tmp_path / "시험법(샘플).txt"
    src.write_text(LAW, encoding="utf-8")
    stored = store_upload(home, src, src.name, 1 << 20)
    ok, message = services.ingest_file(stored.path, "regulation")
    assert ok, message
    assert [r.source for r in services.index.sources()] == [stored.path.name]
    article = services.article(stored.path.name, "제2조②", "officer")
    assert article and article["article"] == "제2조"
    assert "통관을 보류" in article["text"] and "반송하거나 폐기" in article["text"]
    assert services.resolve_reference("시험법 제2조", "officer")["source"] == stored.path.name
    assert services.resolve_reference("다른법 제2조", "officer") is None
    stored.path.unlink()
    assert services.prune() == [stored.path.name]
    assert services.index.sources() == []
