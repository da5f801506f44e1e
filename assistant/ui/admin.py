"""Tab 4, 자료 관리 (admin only, checked per request): what is indexed, upload-and-ingest with
progress and per-file results, prune, status, and the audit-log export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.auth.audit_log import COLUMNS as AUDIT_COLUMNS
from assistant.errors import AssistantError
from assistant.records import KIND_LABELS_KO, KINDS
from assistant.ui.csv_export import write_csv
from assistant.ui.i18n import err, t
from assistant.ui.session import ADMIN_ROLES, get_caller, require, user_errors
from assistant.ui.uploads import store_upload

SOURCE_KEYS = ("source", "kind", "records", "size", "ingested_at")


class AdminHandlers:
    def __init__(self, services: Any, lang: str):
        self.services, self.lang = services, lang

    def source_headers(self) -> list[str]:
        names = {"source": "col_file", "kind": "col_kind", "records": "col_records", "size": "col_size",
                 "ingested_at": "col_ingested"}
        return [t(names[k], self.lang) for k in SOURCE_KEYS]

    def overview(self, request: gr.Request) -> tuple[list[list[Any]], str]:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, ADMIN_ROLES, "sources", self.lang)
        return self.sources_rows(), self.status_markdown()

    def sources_rows(self) -> list[list[Any]]:
        try:
            rows = self.services.index.sources()
        except AssistantError:
            return []
        return [[getattr(r, k) for k in SOURCE_KEYS] for r in rows]

    def status_markdown(self) -> str:
        status = self.services.status()
        lines = [f"- **{k}**: {v}" for k, v in status.items() if k != "counts"]
        for kind, n in (status.get("counts") or {}).items():
            lines.append(f"- **{kind}**: {n:,}" if isinstance(n, int) else f"- **{kind}**: {n}")
        lines.append(f"- **audit log**: {self.services.audit.count():,}")
        return "\n".join(lines)

    def ingest(self, files: list[str] | None, kind: str | None, request: gr.Request,
               progress: gr.Progress = gr.Progress()):  # noqa: B008
        """Check, store and index each uploaded file; yields the per-file results as they come."""
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, ADMIN_ROLES, "ingest", self.lang)
        paths = [Path(str(p)) for p in (files or [])]
        max_bytes = int(self.services.settings.app.max_upload_mb) * (1 << 20)
        results: list[list[Any]] = []
        for i, path in enumerate(paths):
            progress((i, len(paths)), desc=path.name)
            try:
                stored = store_upload(self.services.home, path, path.name, max_bytes)
            except AssistantError as exc:
                results.append([path.name, "", "", t("error", self.lang), err(exc, self.lang)])
                self.services.audit.append(caller.name, caller.role, "upload", query=path.name, verdict="rejected",
                                           detail=err(exc, "en"))
                yield results, gr.skip()
                continue
            self.services.audit.append(caller.name, caller.role, "upload", query=path.name,
                                       file_sha256=stored.sha256, verdict="stored", detail={"stored_as": stored.path.name})
            ok, message = self.services.ingest_file(stored.path, kind if kind in KINDS else None)
            self.services.audit.append(caller.name, caller.role, "ingest", query=stored.path.name,
                                       file_sha256=stored.sha256, verdict="ok" if ok else "error", detail=message)
            results.append([path.name, stored.size, stored.sha256[:12], t("ok" if ok else "error", self.lang), message])
            yield results, gr.skip()
        progress((len(paths), len(paths)))
        yield results, self.sources_rows()

    def prune(self, request: gr.Request) -> tuple[str, list[list[Any]]]:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, ADMIN_ROLES, "prune", self.lang)
        with user_errors(self.lang):
            removed = self.services.prune()
        self.services.audit.append(caller.name, caller.role, "prune", sources=removed)
        text = f"{t('pruned', self.lang)}: {', '.join(removed)}" if removed else t("nothing_pruned", self.lang)
        return text, self.sources_rows()

    def export_audit(self, request: gr.Request) -> Any:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, ADMIN_ROLES, "export_audit_log", self.lang)
        self.services.audit.append(caller.name, caller.role, "export_audit_log")
        entries = self.services.audit.entries()
        path = write_csv(AUDIT_COLUMNS, ([e[c] for c in AUDIT_COLUMNS] for e in entries), "audit_log.csv")
        return gr.update(value=str(path), visible=True)


def build_admin_tab(services: Any, lang: str) -> dict[str, Any]:
    h = AdminHandlers(services, lang)
    with gr.Row():
        with gr.Column(scale=2, min_width=300):
            sources = gr.Dataframe(headers=h.source_headers(), label=t("sources", lang), interactive=False, wrap=True,
                                   elem_id="sources-table")
            refresh = gr.Button(t("refresh", lang), size="sm")
        with gr.Column(scale=1, min_width=260):
            gr.Markdown(f"**{t('status', lang)}**")
            status = gr.Markdown(label=t("status", lang), elem_id="status")
    upload = gr.File(label=t("upload", lang), file_count="multiple", type="filepath", elem_id="ingest-files", height=120,
                     file_types=[".pdf", ".hwp", ".hwpx", ".txt", ".md", ".csv", ".tsv", ".xlsx", ".json"])
    with gr.Row():
        kind = gr.Dropdown([(t("kind_auto", lang), "auto"), *((KIND_LABELS_KO[k] if lang == "ko" else k, k) for k in KINDS)],
                           value="auto", label=t("col_kind", lang), min_width=160, scale=1)
        ingest_btn = gr.Button(t("ingest", lang), variant="primary", elem_id="ingest", scale=2)
    results = gr.Dataframe(headers=[t(k, lang) for k in ("col_file", "col_size", "col_sha", "col_result",
                                                          "col_message")],
                           label=t("ingest_results", lang), interactive=False, wrap=True, elem_id="ingest-results")
    with gr.Row():
        prune_btn = gr.Button(t("prune", lang), size="sm")
        export_btn = gr.Button(t("audit_export", lang), size="sm", elem_id="export-audit")
    prune_note = gr.Markdown()
    audit_file = gr.File(label=t("audit_export", lang), interactive=False, visible=False, elem_id="audit-csv")
    refresh.click(h.overview, None, [sources, status], api_visibility="private")
    ingest_btn.click(h.ingest, [upload, kind], [results, sources], api_visibility="private", concurrency_limit=1,
                     concurrency_id="ingest")
    prune_btn.click(h.prune, None, [prune_note, sources], api_visibility="private", concurrency_id="ingest")
    export_btn.click(h.export_audit, None, [audit_file], api_visibility="private")
    return {"handlers": h, "sources": sources, "status": status}
