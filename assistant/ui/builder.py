"""`build_app(services, settings) -> gr.Blocks`: the whole web app, built but not launched.

Two pages carry the same tabs: Korean at `/` and English at `/en` (the language switch is a
link between them). The article viewer is a right-hand side panel shared by the tabs of a page.
Roles are enforced inside every handler; the tab visibility set at page load is only cosmetic.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from assistant.auth.users import ROLE_LABELS_KO
from assistant.settings import Settings
from assistant.ui.admin import build_admin_tab
from assistant.ui.chat import build_chat_tab
from assistant.ui.findings import build_findings_tab
from assistant.ui.i18n import t
from assistant.ui.label import build_label_tab
from assistant.ui.session import ADMIN_ROLES, FINDINGS_ROLES, get_caller

PAGES = {"ko": ("", "한국어"), "en": ("en", "English")}


def user_box_html(name: str, role: str, lang: str) -> str:
    role_txt = ROLE_LABELS_KO.get(role, role) if lang == "ko" else role
    other = "en" if lang == "ko" else "./"
    return (f"<div class='user-box'><b>{html.escape(name)}</b> · {html.escape(role_txt)} · "
            f"<a href='{other}' target='_self' id='lang-switch'>{t('lang_switch', lang)}</a> · "
            f"<a href='logout' target='_self' id='logout'>{t('logout', lang)}</a></div>")


def build_page(services: Any, lang: str, public_api: bool) -> tuple[Any, list[Any]]:
    with gr.Sidebar(position="right", open=False, width=440, label=t("viewer", lang), elem_id="viewer-panel") as sidebar:
        gr.Markdown(f"#### {t('viewer', lang)}")
        viewer = gr.Markdown(t("viewer_empty", lang), elem_id="article-viewer")
    with gr.Row(elem_classes=["app-header"], equal_height=True):
        with gr.Column(scale=3, min_width=220):
            gr.HTML(f"<h1>{t('app_title', lang)}</h1><p>{t('subtitle', lang)}</p>")
        with gr.Column(scale=2, min_width=220):
            user_box = gr.HTML(elem_id="user-box")
    with gr.Tabs():
        with gr.Tab(t("tab_chat", lang), id="chat", elem_id="tab-chat"):
            chat = build_chat_tab(services, lang, viewer, sidebar, public_api)
        with gr.Tab(t("tab_label", lang), id="label", elem_id="tab-label"):
            build_label_tab(services, lang, viewer, sidebar, public_api)
        with gr.Tab(t("tab_findings", lang), id="findings", visible=False, elem_id="tab-findings") as tab_findings:
            build_findings_tab(services, lang, viewer, sidebar, public_api)
        with gr.Tab(t("tab_admin", lang), id="admin", visible=False, elem_id="tab-admin") as tab_admin:
            admin = build_admin_tab(services, lang)

    def page_load(request: gr.Request):
        caller = get_caller(services, request, lang)
        messages, state = chat["handlers"].history(request)
        is_admin = caller.role in ADMIN_ROLES
        sources, status = admin["handlers"].overview(request) if is_admin else ([], "")
        return (user_box_html(caller.name, caller.role, lang), messages, state,
                gr.Tab(visible=caller.role in FINDINGS_ROLES), gr.Tab(visible=is_admin), sources, status)

    load_outputs = [user_box, chat["chatbot"], chat["state"], tab_findings, tab_admin, admin["sources"], admin["status"]]
    return page_load, load_outputs


def build_app(services: Any, settings: Settings | None = None) -> gr.Blocks:
    """The Blocks app (not launched). `settings` defaults to `services.settings`."""
    settings = settings or services.settings
    first = settings.app.language if settings.app.language in PAGES else "ko"
    order = [first] + [lang for lang in PAGES if lang != first]
    with gr.Blocks(title=t("app_title", first), analytics_enabled=False, fill_width=True,
                   delete_cache=(3600, 3600)) as demo:
        load_fn, outputs = build_page(services, order[0], public_api=True)
        demo.load(load_fn, None, outputs, api_visibility="private")
    demo.pages[0] = ("", PAGES[order[0]][1], True)
    for lang in order[1:]:
        with demo.route(PAGES[lang][1], "/" + (PAGES[lang][0] or "ko")):
            load_fn, outputs = build_page(services, lang, public_api=False)
            demo.load(load_fn, None, outputs, api_visibility="private")
    return demo
