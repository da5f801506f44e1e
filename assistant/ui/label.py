"""Tab 2, 라벨 사진 판정: camera or upload (several photos of one product), a coloured verdict
badge (hazard red / review amber / not listed grey — never a green "safe"), the matched list
entries, the OCR text with matched words highlighted, the legal basis linked to the viewer, and what
the verdict rests on (list entry and its date, 기준일, articles).

Under load, a check that needs OCR waits in the checker's queue (one slot per core): the progress bar
shows "대기 순번 N" while it waits, then the reading stage. A barcode hit or a repeated photo never waits.
Gradio's own queue admits up to LABEL_CONCURRENCY checks at once (its "queue: N/M" appears beyond that)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.ui.i18n import t
from assistant.ui.render import article_markdown, highlight, verdict_badge
from assistant.ui.session import get_caller, user_errors
from assistant.ui.uploads import IMAGE_TYPES, check_upload, sha256_file

# Checks admitted into the handler at once. Entering is cheap (decode, barcode, cache); OCR itself is
# limited by the checker's queue to one check per core (settings.ocr.workers), so this only needs to be
# large enough that a barcode hit never waits behind checks that are waiting for OCR.
LABEL_CONCURRENCY = int(os.environ.get("ASSISTANT_LABEL_CONCURRENCY", "24"))
MATCH_KEYS = ("kind", "name", "canonical", "score", "evidence", "source", "locator")


def _basis_item(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return {k: item.get(k) for k in ("source", "locator", "title", "kind", "text")} | {"kind": item.get("kind") or "regulation"}
    return {"source": "", "locator": "", "title": str(item), "kind": "reference", "text": str(item)}


def _basis_label(i: int, b: dict[str, Any]) -> str:
    title, loc = b.get("title") or b.get("source") or "", b.get("locator") or ""
    return f"[{i}] {title if (loc and loc in title) else (title + ' ' + loc).strip()}"[:60]


def _to_json(result: Any) -> dict[str, Any]:
    return result.to_json() if hasattr(result, "to_json") else dict(result)


class LabelHandlers:
    def __init__(self, services: Any, lang: str):
        self.services, self.lang = services, lang

    def _as_of(self) -> str:
        try:
            dates = [s.ingested_at for s in self.services.index.sources() if s.kind in ("hazard-list", "ingredient-list")]
        except Exception:
            return ""
        return max(dates)[:10] if dates else ""

    def _progress(self, progress: Any) -> Any:
        """The checker's stages as Gradio progress updates (bar + text, e.g. "대기 순번 3")."""
        keys = {"queued": "p_queued", "ocr": "p_ocr", "retry": "p_retry", "done": "p_done"}

        def report(stage: str, fraction: float, detail: Any) -> None:
            key = keys.get(stage)
            if key is not None and progress is not None:
                progress(fraction, desc=t(key, self.lang).format(n=detail))

        return report

    def check(self, files: list[str] | None, camera: str | None, request: gr.Request,
              progress: Any = gr.Progress()):  # noqa: B008  (Gradio injects the tracker through the default)
        """Returns (badge, summary, matches table, OCR html, legal-basis chips, state)."""
        caller = get_caller(self.services, request, self.lang)
        paths = [str(p) for p in (files or [])] + ([str(camera)] if camera else [])
        if not paths:
            raise gr.Error(t("no_photos", self.lang))
        max_bytes = int(self.services.settings.ocr.max_file_mb) * (1 << 20)
        with user_errors(self.lang):
            for p in paths:
                check_upload(Path(p), Path(p).name, IMAGE_TYPES, max_bytes)
            hashes = [sha256_file(Path(p)) for p in paths]
            if progress is not None:
                progress(0.05, desc=t("p_barcode", self.lang))
            result = _to_json(self.services.label_checker.check([Path(p) for p in paths], [Path(p).name for p in paths],
                                                                progress=self._progress(progress)))
        verdict = result.get("verdict", "review")
        matches = list(result.get("matches") or [])
        basis = [_basis_item(b) for b in (result.get("legal_basis") or [])]
        self.services.audit.append(
            caller.name, caller.role, "label_check", file_sha256=hashes, verdict=verdict,
            sources=[f"{m.get('source')} {m.get('locator')}" for m in matches],
        )
        path = str(result.get("path") or "")
        badge = verdict_badge(verdict, self.lang, result.get("as_of") or self._as_of(), result.get("message") or "", path)
        summary = f"**{t('elapsed', self.lang)}**: {result.get('elapsed_ms', 0):,.0f} ms"
        if path:
            summary += f" · **{t('path', self.lang)}**: {t('path_' + path, self.lang)}"
        if result.get("barcodes"):
            summary += f" · **{t('barcodes', self.lang)}**: {', '.join(map(str, result['barcodes']))}"
        summary += "\n\n" + grounds_markdown(result.get("grounds") or {}, self.lang)
        for note in result.get("notes") or []:
            summary += f"\n\n- {note}"
        rows = [[_cell(m.get(k)) for k in MATCH_KEYS] for m in matches]
        terms = [str(m.get(k)) for m in matches for k in ("name", "evidence") if m.get(k)]
        ocr = highlight(result.get("ocr_text") or "", terms)
        chips = gr.Radio(choices=[(_basis_label(i + 1, b), str(i)) for i, b in enumerate(basis)], value=None,
                         visible=bool(basis))
        return badge, summary, rows, ocr, chips, {"basis": basis, "result": result}

    def open_basis(self, idx: str | None, state: dict | None, request: gr.Request) -> tuple[str, Any]:
        caller = get_caller(self.services, request, self.lang)
        basis = (state or {}).get("basis") or []
        if idx is None or not str(idx).isdigit() or int(idx) >= len(basis):
            return gr.skip(), gr.skip()
        b = basis[int(idx)]
        with user_errors(self.lang):
            if b.get("source") and b.get("locator"):
                article = self.services.article(b["source"], b["locator"], caller.role, b.get("title") or "")
            else:
                article = self.services.resolve_reference(b.get("title") or "", caller.role)
        self.services.audit.append(caller.name, caller.role, "view_article", sources=[_basis_label(0, b)[4:]])
        return article_markdown(article, b, self.lang), gr.Sidebar(open=True)


def grounds_markdown(grounds: dict[str, Any], lang: str) -> str:
    """One line naming what the verdict rests on: list entry (and its date), the lists' date, the articles."""
    if not grounds:
        return ""
    entry = grounds.get("entry")
    parts = []
    if entry:
        what = f"{entry.get('locator', '')} ({entry.get('name', '')}"
        what += f", {t('grounds_date', lang)} {entry['date']})" if entry.get("date") else ")"
        parts.append(f"{t('grounds_entry', lang)} {what} · {entry.get('source', '')}")
    else:
        parts.append(t("grounds_none", lang))
    if grounds.get("as_of"):
        parts.append(f"{t('as_of', lang)} {grounds['as_of']}")
    if grounds.get("articles"):
        parts.append(f"{t('grounds_articles', lang)}: {', '.join(grounds['articles'])}")
    return f"**{t('grounds', lang)}**: " + " · ".join(parts)


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 3)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else v


def build_label_tab(services: Any, lang: str, viewer: Any, sidebar: Any, public_api: bool) -> dict[str, Any]:
    h = LabelHandlers(services, lang)
    state = gr.State({})
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            files = gr.File(label=t("photos", lang), file_count="multiple", file_types=["image"], type="filepath",
                            elem_id="label-files", height=150)
            camera = gr.Image(label=t("camera", lang), sources=["webcam"], type="filepath", elem_id="label-camera",
                              height=200)
            check_btn = gr.Button(t("check", lang), variant="primary", elem_id="check-label")
        with gr.Column(scale=2, min_width=300):
            badge = gr.HTML(elem_id="verdict")
            summary = gr.Markdown(elem_id="label-summary")
            basis = gr.Radio(label=t("legal_basis", lang), choices=[], visible=False, elem_id="legal-basis",
                             elem_classes=["chips"])
            matches = gr.Dataframe(headers=[t(f"col_{k}", lang) for k in MATCH_KEYS], label=t("matches", lang),
                                   interactive=False, wrap=True, elem_id="label-matches")
            gr.Markdown(f"**{t('ocr_text', lang)}**")
            ocr = gr.HTML(elem_id="ocr-text")
    check_btn.click(h.check, [files, camera], [badge, summary, matches, ocr, basis, state],
                    api_name="check_label" if public_api else None,
                    api_visibility="public" if public_api else "private", concurrency_limit=LABEL_CONCURRENCY,
                    concurrency_id="label", show_progress="full", show_progress_on=[badge])
    basis.input(h.open_basis, [basis, state], [viewer, sidebar], api_visibility="private")
    return {"handlers": h}
