"""Print the licences of the runtime dependencies (the default install), as a Markdown table.

    .venv/bin/python scripts/licenses.py            # table for the README
    .venv/bin/python scripts/licenses.py --check    # exit 1 if any runtime dependency is AGPL

Reads the installed packages' metadata (License-Expression, License, classifiers), following the
project's `dependencies` and their requirements transitively.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata

from packaging.requirements import Requirement


def _license(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expr = meta.get("License-Expression")
    if expr:
        return expr
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return "; ".join(dict.fromkeys(classifiers))
    lic = (meta.get("License") or "").strip().splitlines()
    return lic[0][:60] if lic else "unknown"


def runtime_distributions(root: str = "customs-assistant") -> dict[str, metadata.Distribution]:
    seen: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in metadata.requires(root) or []]
    todo = [r for r in todo if not r.marker or r.marker.evaluate({"extra": ""})]
    while todo:
        req = todo.pop()
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for sub in dist.requires or []:
            r = Requirement(sub)
            if not r.marker or r.marker.evaluate({"extra": ""}):
                todo.append(r)
    return dict(sorted(seen.items()))


def main() -> int:
    dists = runtime_distributions()
    agpl = [n for n, d in dists.items() if "AGPL" in _license(d) or "Affero" in _license(d)]
    if "--check" in sys.argv:
        for n in agpl:
            print(f"AGPL runtime dependency: {n} ({_license(dists[n])})")
        return 1 if agpl else 0
    print("| package | version | licence |\n|---|---|---|")
    for name, dist in dists.items():
        print(f"| {name} | {dist.version} | {_license(dist)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
