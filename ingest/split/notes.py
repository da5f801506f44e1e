"""What a splitter noticed but did not fail on: rows skipped for a missing key field (건너뛴 행)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SplitNotes:
    """Collected per file; the pipeline prints the warnings and counts the skipped rows in its summary."""

    warnings: list[str] = field(default_factory=list)
    skipped_rows: int = 0

    def skip_rows(self, rows: list[int], field_ko: str) -> None:
        """Record rows skipped because `field_ko` (e.g. 제품명) was empty."""
        if not rows:
            return
        self.skipped_rows += len(rows)
        shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
        self.warnings.append(f"{field_ko}이(가) 없는 행 {len(rows)}개를 건너뛰었습니다 (행 {shown})")
