"""Look: system CJK fonts only (no web-font downloads), phone-friendly spacing, verdict colours
that never say "safe" (red / amber / grey), citation chips."""

from __future__ import annotations

from typing import Any

CSS = """
.app-header h1 { margin: 0; font-size: 1.35rem; }
.app-header p { margin: 0.1rem 0 0; opacity: 0.75; font-size: 0.9rem; }
.user-box { text-align: right; font-size: 0.9rem; }
.chips .wrap { gap: 6px !important; }
.chips label { border-radius: 999px !important; padding: 2px 12px !important; font-size: 0.88rem; cursor: pointer; }
.badge { display: inline-block; border-radius: 999px; padding: 2px 10px; margin-right: 6px; font-size: 0.85rem; }
.badge-grounded { background: #dbeafe; color: #1e3a8a; }
.badge-ungrounded { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; font-weight: 600; }
.badge-mode { background: #f1f5f9; color: #334155; }
.answer-warning { color: #92400e; font-size: 0.85rem; margin-top: 4px; }
.verdict { display: inline-block; border-radius: 10px; padding: 10px 18px; font-size: 1.2rem; font-weight: 700; color: #fff; }
.verdict-hazard { background: #b91c1c; }
.verdict-review { background: #d97706; }
.verdict-none { background: #6b7280; }
.verdict-note { font-size: 0.85rem; opacity: 0.8; margin-top: 4px; }
.ocr-text { white-space: pre-wrap; font-size: 0.85rem; max-height: 240px; overflow: auto; }
.ocr-text mark { background: #fde68a; padding: 0 2px; }
#article-viewer { font-size: 0.95rem; }
@media (max-width: 640px) {
  .app-header h1 { font-size: 1.1rem; }
  .user-box { text-align: left; }
}
"""

FONTS = ["Noto Sans CJK KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic", "sans-serif"]
MONO_FONTS = ["Noto Sans Mono CJK KR", "monospace"]


def make_theme() -> Any:
    import gradio as gr

    # plain font names: gradio emits no @font-face or Google Fonts URL for them
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=FONTS, font_mono=MONO_FONTS)
