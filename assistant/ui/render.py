"""Small HTML/Markdown renderers shared by the tabs (badges, article viewer, highlighting).
Everything user- or document-supplied is HTML-escaped here."""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.ui.i18n import t

MODE_NAMES = {"none": ("추출형 (LLM 없음)", "extractive (no LLM)"), "extractive": ("추출형", "extractive"),
              "llamacpp": ("로컬 LLM", "local LLM"), "openai": ("LLM 서버", "LLM server"), "fake": ("테스트", "test")}
VERDICT_CLASS = {"hazard": "verdict-hazard", "review": "verdict-review", "no_match": "verdict-none"}


def verdict_badge(verdict: str, lang: str, as_of: str = "", message: str = "", path: str = "") -> str:
    key = {"hazard": "v_hazard", "review": "v_review"}.get(verdict, "v_no_match")
    label = t(key, lang)
    if verdict not in ("hazard", "review") and as_of:
        label += f" ({t('as_of', lang)} {as_of})"
    note = t("no_match_note", lang) if verdict not in ("hazard", "review") else ""
    notes = [x for x in (message, note) if x and not label.startswith(x.split(" (")[0])]
    extra = "".join(f"<div class='verdict-note'>{html.escape(x)}</div>" for x in notes)
    css = VERDICT_CLASS.get(verdict, "verdict-none")
    data_path = f" data-path='{html.escape(path)}'" if path else ""
    return (f"<div class='verdict {css}' data-verdict='{html.escape(verdict)}'{data_path}>{html.escape(label)}</div>"
            f"{extra}")


def answer_status(grounded: bool, n_citations: int, mode: str, warnings: list[str], lang: str) -> str:
    if grounded:
        badge = f"<span class='badge badge-grounded'>{t('grounded', lang)} · {n_citations}</span>"
    else:
        badge = f"<span class='badge badge-ungrounded'>⚠ {t('ungrounded', lang)}</span>"
    mode_name = MODE_NAMES.get(mode, (mode, mode))[1 if lang == "en" else 0]
    mode_txt = f"<span class='badge badge-mode'>{t('mode', lang)}: {html.escape(mode_name)}</span>"
    warn = "".join(f"<div class='answer-warning'>{html.escape(w)}</div>" for w in warnings)
    return (f"<div class='answer-status' data-grounded='{str(grounded).lower()}' data-mode='{html.escape(mode)}'>"
            f"{badge}{mode_txt}{warn}</div>")


ARTICLE_RE = re.compile(r"제\s*\d+\s*조(?:의\s*\d+)?")


def chip_label(n: int, title: str, locator: str, max_len: int = 48) -> str:
    """'[2] 관세법 제94조(소액물품 등의 면세) ②' — the locator's article is not repeated when the title has it."""
    title, locator = title or "", locator or ""
    art = ARTICLE_RE.match(locator)
    if locator and locator in title:
        text = title
    elif art and art.group(0) in title:
        text = f"{title} {locator[art.end():]}".strip()
    else:
        text = f"{title} {locator}".strip()
    if len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return f"[{n}] {text}"


def article_markdown(article: dict[str, Any] | None, fallback: dict[str, Any], lang: str) -> str:
    """The article viewer: document title, 제N조 (title), page, full text."""
    if article:
        head = f"### {article['law']}\n\n**{article['article']}"
        if article.get("article_title"):
            head += f" ({article['article_title']})"
        head += "**"
        if article.get("pages"):
            head += f" · {t('page', lang)} {article['pages']}" if lang == "en" else f" · {article['pages']}{t('page', lang)}"
        body = article["text"]
        src = article.get("source", "")
    else:
        head = f"### {fallback.get('title', '')}\n\n**{fallback.get('locator', '')}**"
        body = fallback.get("text", "")
        src = fallback.get("source", "")
        if fallback.get("kind") == "regulation":
            head += f"\n\n_{t('article_not_found', lang)}_"
    return f"{head}\n\n{_md_escape(body)}\n\n<small>{html.escape(str(src))}</small>"


def _md_escape(text: str) -> str:
    # keep line structure, neutralise markdown/HTML that a document could carry
    return "\n\n".join(html.escape(line) for line in (text or "").splitlines() if line.strip())


def highlight(text: str, terms: list[str]) -> str:
    """HTML of `text` with every occurrence of the terms wrapped in <mark> (case-insensitive)."""
    terms = sorted({x.strip() for x in terms if x and len(x.strip()) >= 2}, key=len, reverse=True)
    escaped = html.escape(text or "")
    if not terms:
        return f"<pre class='ocr-text'>{escaped}</pre>"
    pattern = re.compile("|".join(re.escape(html.escape(x)) for x in terms), re.IGNORECASE)
    return f"<pre class='ocr-text'>{pattern.sub(lambda m: f'<mark>{m.group(0)}</mark>', escaped)}</pre>"
