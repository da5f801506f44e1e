"""The default install carries no AGPL code (issue: licences listed in the README, no AGPL)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _licenses_module():
    spec = importlib.util.spec_from_file_location("licenses", ROOT / "scripts" / "licenses.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["licenses"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_runtime_dependencies_are_resolved_and_none_is_agpl():
    mod = _licenses_module()
    dists = mod.runtime_distributions()
    # the walk really follows requirements: direct and transitive packages are present
    for name in ("chromadb", "kiwipiepy", "gradio", "pypdf", "numpy", "starlette"):
        assert name in dists
    offenders = {n: mod._license(d) for n, d in dists.items() if "AGPL" in mod._license(d) or "Affero" in mod._license(d)}
    assert offenders == {}


def test_readme_lists_the_licences():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| chromadb |" in readme and "| kiwipiepy |" in readme
