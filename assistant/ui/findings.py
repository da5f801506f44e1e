"""Tab 3, 감사 사례 검색 (auditor/admin only, checked per request): natural-language search over
audit findings with filters, a results table, a detail view linking the breached article, and a
CSV export that spreadsheets cannot execute."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.retrieval.filters import Filters
from assistant.ui.csv_export import write_csv
from assistant.ui.i18n import t
from assistant.ui.render import article_markdown
from assistant.ui.session import FINDINGS_ROLES, get_caller, require, user_errors

DISPOSITIONS = ["변상", "징계", "문책", "시정", "주의", "개선", "권고", "통보", "고발"]
COLUMNS = ("year", "auditor", "office", "disposition", "regulation", "title")
SEARCH_K = 50
FIELD_LABELS = {"year": ("감사연도", "Year"), "auditor": ("감사기관", "Auditor"), "office": ("감사대상", "Office"),
                "audit_type": ("감사종류", "Audit type"), "disposition": ("처분", "Disposition"),
                "regulation": ("관련규정", "Regulation"), "field": ("분야", "Field"), "finding_no": ("지적번호", "No.")}


def _year(v: Any) -> int | None:
    """An empty number box arrives as 0: anything outside 1900-2100 means 'no bound'."""
    try:
        year = int(v)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def _hit_dict(h: Any) -> dict[str, Any]:
    return {"id": h.id, "source": h.source, "locator": h.locator, "title": h.title, "kind": h.kind,
            "score": h.score, "text": h.text, "metadata": dict(h.metadata or {})}


class FindingsHandlers:
    def __init__(self, services: Any, lang: str):
        self.services, self.lang = services, lang

    def headers(self) -> list[str]:
        return [t(f"col_{c}" if c in ("year", "auditor", "title") else c, self.lang) for c in COLUMNS]

    def search(self, query: str, year_from: Any, year_to: Any, office: str, disposition: str, regulation: str,
               request: gr.Request) -> tuple[list[list[Any]], list[dict], str]:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, FINDINGS_ROLES, "search_findings", self.lang)
        query = (query or "").strip() or (regulation or "").strip() or (office or "").strip() or "감사"
        chosen = None if disposition in (None, "", t("any", self.lang)) else disposition
        base = Filters(kinds=["finding"], year_from=_year(year_from), year_to=_year(year_to),
                       office=(office or "").strip() or None, disposition=chosen)
        with user_errors(self.lang):
            hits = [h for h in self.services.search(query, caller.role, k=SEARCH_K, base=base) if h.kind == "finding"]
        reg = (regulation or "").replace(" ", "")
        if reg:  # "as printed" text: substring over the candidates the filters already narrowed
            hits = [h for h in hits if reg in str(h.metadata.get("regulation", "")).replace(" ", "")]
        items = [_hit_dict(h) for h in hits]
        self.services.audit.append(caller.name, caller.role, "search_findings", query=query,
                                   sources=[f"{i['source']} {i['locator']}" for i in items[:20]],
                                   detail={"year_from": _year(year_from), "year_to": _year(year_to), "office": office,
                                           "disposition": chosen, "regulation": regulation, "results": len(items)})
        note = "" if items else t("no_results", self.lang)
        return self.rows(items), items, note

    @staticmethod
    def rows(items: list[dict]) -> list[list[Any]]:
        out = []
        for i in items:
            m = i["metadata"]
            out.append([m.get("year", ""), m.get("auditor", ""), m.get("office", ""), m.get("disposition", ""),
                        m.get("regulation", ""), i["title"]])
        return out

    def detail(self, items: list[dict] | None, evt: gr.SelectData, request: gr.Request) -> tuple[str, int | None]:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, FINDINGS_ROLES, "view_finding", self.lang)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return self.detail_of(items or [], row)

    def detail_of(self, items: list[dict], row: int | None) -> tuple[str, int | None]:
        if row is None or row >= len(items):
            return "", None
        i = items[row]
        m = i["metadata"]
        lines = [f"### {i['title']}", ""]
        for key in ("year", "auditor", "office", "audit_type", "disposition", "regulation", "field", "finding_no"):
            if m.get(key) not in (None, ""):
                label = FIELD_LABELS[key][1 if self.lang == "en" else 0]
                lines.append(f"- **{label}**: {m[key]}")
        lines += ["", i["text"], "", f"<small>{i['source']} · {i['locator']}</small>"]
        return "\n".join(lines), row

    def open_regulation(self, items: list[dict] | None, row: int | None, request: gr.Request) -> tuple[str, Any]:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, FINDINGS_ROLES, "view_finding", self.lang)
        if row is None or not items or row >= len(items):
            raise gr.Error(t("select_row", self.lang))
        reference = str(items[row]["metadata"].get("regulation") or "")
        with user_errors(self.lang):
            article = self.services.resolve_reference(reference, caller.role)
        self.services.audit.append(caller.name, caller.role, "view_article", query=reference)
        fallback = {"title": reference, "locator": "", "text": t("article_not_found", self.lang), "kind": "reference"}
        return article_markdown(article, fallback, self.lang), gr.Sidebar(open=True)

    def export(self, items: list[dict] | None, request: gr.Request) -> Any:
        caller = get_caller(self.services, request, self.lang)
        require(self.services, caller, FINDINGS_ROLES, "export_findings", self.lang)
        items = items or []
        headers = [*self.headers(), "text", "source", "locator"]
        rows = [[*r, i["text"], i["source"], i["locator"]] for r, i in zip(self.rows(items), items, strict=True)]
        self.services.audit.append(caller.name, caller.role, "export_findings", detail={"rows": len(rows)})
        return gr.update(value=str(write_csv(headers, rows, "findings.csv")), visible=True)


def build_findings_tab(services: Any, lang: str, viewer: Any, sidebar: Any, public_api: bool) -> dict[str, Any]:
    h = FindingsHandlers(services, lang)
    items = gr.State([])
    selected = gr.State(None)
    query = gr.Textbox(label=t("f_query", lang), placeholder=t("f_query_ph", lang), elem_id="findings-query")
    with gr.Row():
        year_from = gr.Number(label=t("year_from", lang), precision=0, value=None, min_width=110)
        year_to = gr.Number(label=t("year_to", lang), precision=0, value=None, min_width=110)
        office = gr.Textbox(label=t("office", lang), min_width=140)
        disposition = gr.Dropdown([t("any", lang), *DISPOSITIONS], value=t("any", lang),
                                  label=t("disposition", lang), min_width=110)
        regulation = gr.Textbox(label=t("regulation", lang), min_width=140)
    search_btn = gr.Button(t("search", lang), variant="primary", elem_id="findings-search")
    note = gr.Markdown()
    table = gr.Dataframe(headers=h.headers(), label=t("results", lang), interactive=False, wrap=True,
                         elem_id="findings-table")
    detail = gr.Markdown(elem_id="finding-detail")
    with gr.Row():
        open_reg = gr.Button(t("open_regulation", lang), size="sm", elem_id="open-regulation")
        export_btn = gr.Button(t("export_csv", lang), size="sm", elem_id="export-findings")
    export_file = gr.File(label=t("export_csv", lang), interactive=False, visible=False, elem_id="findings-csv")
    inputs = [query, year_from, year_to, office, disposition, regulation]
    api = "public" if public_api else "private"
    search_btn.click(h.search, inputs, [table, items, note], api_name="search_findings" if public_api else None,
                     api_visibility=api, concurrency_limit=4)
    query.submit(h.search, inputs, [table, items, note], api_visibility="private", concurrency_limit=4)
    table.select(h.detail, [items], [detail, selected], api_visibility="private")
    open_reg.click(h.open_regulation, [items, selected], [viewer, sidebar], api_visibility="private")
    export_btn.click(h.export, [items], [export_file], api_visibility="private")
    return {"handlers": h}
