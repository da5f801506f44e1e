"""`store.chroma_url` set: the same Index code talks to a real `chroma run` server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from store_helpers import finding_records, regulation_records, row

from assistant.errors import ConfigError
from assistant.retrieval.filters import Filters
from assistant.settings import Settings
from assistant.store.index import Index
from assistant.store.tokens import simple_tokenizer

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if not exe:
        pytest.skip("the chroma CLI (chromadb package) is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s for the heartbeat
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {proc.stderr.read().decode(errors='replace')[-1000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("chroma run did not answer its heartbeat")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_index_and_query_through_a_chroma_server(home, chroma_server, tmp_path):
    settings = Settings(home=home, store={"chroma_url": chroma_server})
    idx = Index(settings, tokenizer=simple_tokenizer())
    regs = regulation_records()
    idx.replace_source(row("/d/관세법_샘플.txt"), regs)
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    report = idx.sync()
    assert report["embedded"] == 8
    assert not (home / "chroma").exists()  # nothing stored locally
    assert idx.vectors().location == chroma_server and idx.vectors().count() == 8
    assert idx.vector_search("주류 면세 미성년자", 1)[0][0] == regs[1].id
    hits = idx.vector_search("면세", 10, Filters(kinds=["finding"], year_from=2020))
    assert {r.metadata["year"] for r in idx.get([h[0] for h in hits])} == {2020, 2021}
    assert idx.check()["consistent"]
    # drift on the server is repaired the same way
    idx.vectors().delete([regs[0].id])
    assert not idx.check()["consistent"]
    assert idx.repair()["after"]["consistent"]
    # a second home on the same server has its own collection: its sync never touches the first one's
    other = Index(Settings(home=tmp_path / "other", store={"chroma_url": chroma_server}), tokenizer=simple_tokenizer())
    assert other.vector_search("면세", 5) == []
    other.replace_source(row("/e/관세법_샘플.txt"), regulation_records(suffix=" 다른 홈")[:2])
    assert other.sync()["embedded"] == 2
    assert other.vectors().name != idx.vectors().name
    assert idx.check()["consistent"] and other.check()["consistent"]
    assert idx.vectors().count() == 8


def test_bad_chroma_url_is_a_config_error(home):
    idx = Index(Settings(home=home, store={"chroma_url": "not a url"}), tokenizer=simple_tokenizer())
    with pytest.raises(ConfigError, match="chroma_url"):
        idx.vectors()
