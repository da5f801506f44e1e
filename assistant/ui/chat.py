"""Tab 1, 규정 질의: streamed answers, numbered citation chips that open the article viewer,
"근거 없음" answers marked, per-user history, 👍/👎/출처가 틀림 feedback.

Handlers are plain (generator) methods: the tests call them directly with a fake request.
"""

from __future__ import annotations

import html
import os
from dataclasses import asdict, is_dataclass
from typing import Any

import gradio as gr

from assistant.services import visible_to
from assistant.settings import available_cores
from assistant.ui.i18n import t
from assistant.ui.render import MODE_NAMES, answer_status, article_markdown, chip_label
from assistant.ui.session import get_caller, user_errors

HISTORY_ON_LOAD = 10
# answers computed at once; the rest wait in Gradio's queue. Retrieval is Python work under one GIL, so more
# at once than cores only slows every other handler (a label check's barcode path) without answering sooner
# (bench/load.py, 20 officers: chat p95 5.35 s at 8, 3.8–4.1 s at 2 on 2 cores; barcode hits faster too)
CHAT_CONCURRENCY = int(os.environ.get("ASSISTANT_CHAT_CONCURRENCY", "0")) or available_cores()


def _citation_dict(c: Any) -> dict[str, Any]:
    d = asdict(c) if is_dataclass(c) and not isinstance(c, type) else dict(c)
    return {k: d.get(k) for k in ("n", "source", "locator", "title", "kind", "text")}


def _assistant_text(answer_text: str, grounded: bool, lang: str) -> str:
    if grounded:
        return answer_text
    return f"⚠️ **{t('ungrounded', lang)}** — {t('ungrounded_note', lang)}\n\n{answer_text}"


def _chips(citations: list[dict[str, Any]], lang: str) -> Any:
    choices = [(chip_label(c["n"], c.get("title") or "", c.get("locator") or ""), str(c["n"])) for c in citations]
    return gr.Radio(choices=choices, value=None, visible=bool(choices), label=t("citations", lang))


class ChatHandlers:
    def __init__(self, services: Any, lang: str):
        self.services, self.lang = services, lang

    def history(self, request: gr.Request) -> tuple[list[dict], dict]:
        """The caller's own recent exchanges (never another user's)."""
        caller = get_caller(self.services, request, self.lang)
        messages: list[dict] = []
        state: dict[str, Any] = {"msg_ids": {}, "last": None}
        for item in self.services.history.recent(caller.name, HISTORY_ON_LOAD):
            messages.append({"role": "user", "content": item["question"]})
            messages.append({"role": "assistant", "content": _assistant_text(item["answer"], item["grounded"], self.lang)})
            state["msg_ids"][str(len(messages) - 1)] = item["id"]
            state["last"] = {"chat_id": item["id"], "question": item["question"], "answer": item["answer"],
                             "citations": [c for c in item["citations"] if visible_to(caller.role, c.get("kind", ""))]}
        return messages, state

    def ask(self, question: str, messages: list[dict] | None, state: dict | None, request: gr.Request):
        """Stream one answer. Yields (chatbot, question box, chips, status, state)."""
        caller = get_caller(self.services, request, self.lang)
        question = (question or "").strip()
        if not question:
            raise gr.Error(t("empty_question", self.lang))
        messages = list(messages or [])
        state = dict(state or {"msg_ids": {}, "last": None})
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
        answerer = self.services.answerer
        llm_mode = getattr(answerer, "mode", "none")
        mode_name = html.escape(MODE_NAMES.get(llm_mode, (llm_mode, llm_mode))[1 if self.lang == "en" else 0])
        yield messages, "", gr.Radio(choices=[], value=None, visible=False), \
            f"<div class='answer-status' data-streaming='true'>{t('thinking', self.lang)} " \
            f"<span class='badge badge-mode'>{t('mode', self.lang)}: {mode_name}</span></div>", state
        filters = self.services.chat_filters(caller.role)
        answer = None
        text = ""
        with user_errors(self.lang):
            for part in answerer.stream(question, filters):
                if isinstance(part, str):
                    text += part
                    messages[-1] = {"role": "assistant", "content": text}
                    yield messages, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                else:
                    answer = part
        if answer is None:
            raise gr.Error(t("error", self.lang))
        # no basis found: the closest passages are offered instead (marked as such, never as a citation)
        cited = answer.citations if answer.grounded or answer.citations else getattr(answer, "closest", []) or []
        citations = [_citation_dict(c) for c in cited]
        allowed = [c for c in citations if visible_to(caller.role, c.get("kind") or "")]
        # (a finding reaching an officer here would be a retrieval bug; it is dropped, never shown)
        messages[-1] = {"role": "assistant", "content": _assistant_text(answer.answer, answer.grounded, self.lang)}
        chat_id = self.services.history.add(caller.name, question, answer.answer, answer.grounded, answer.mode, allowed)
        self.services.audit.append(
            caller.name, caller.role, "ask", query=question,
            sources=[f"{c['source']} {c['locator']}" for c in allowed],
            verdict="grounded" if answer.grounded else "ungrounded",
        )
        state["msg_ids"] = {**state.get("msg_ids", {}), str(len(messages) - 1): chat_id}
        state["last"] = {"chat_id": chat_id, "question": question, "answer": answer.answer, "citations": allowed}
        # the extractive answer standing in for an LLM reply without a valid citation is labelled as such
        shown_mode = "extractive" if answer.mode == "none" and llm_mode != "none" else answer.mode
        status = answer_status(answer.grounded, len(allowed), shown_mode, list(answer.warnings or []), self.lang)
        chips = _chips(allowed, self.lang)
        if allowed and not answer.citations:
            chips = gr.Radio(choices=chips.choices, value=None, visible=True, label=t("closest", self.lang))
        yield messages, "", chips, status, state

    def open_citation(self, n: str | None, state: dict | None, request: gr.Request) -> tuple[str, Any]:
        """Chip clicked: the cited article's full text in the side panel."""
        caller = get_caller(self.services, request, self.lang)
        last = (state or {}).get("last") or {}
        cited = next((c for c in last.get("citations", []) if str(c["n"]) == str(n)), None)
        if cited is None or not visible_to(caller.role, cited.get("kind") or ""):
            return gr.skip(), gr.skip()
        return self.viewer_for(caller, cited), gr.Sidebar(open=True)

    def viewer_for(self, caller: Any, cited: dict[str, Any]) -> str:
        article = None
        if cited.get("kind") == "regulation":
            with user_errors(self.lang):
                article = self.services.article(cited["source"], cited["locator"], caller.role, cited.get("title") or "")
        self.services.audit.append(caller.name, caller.role, "view_article",
                                   sources=[f"{cited.get('source')} {cited.get('locator')}"])
        return article_markdown(article, cited, self.lang)

    def like(self, data: gr.LikeData, state: dict | None, request: gr.Request) -> None:
        caller = get_caller(self.services, request, self.lang)
        index = data.index if isinstance(data.index, int) else data.index[0]
        chat_id = (state or {}).get("msg_ids", {}).get(str(index))
        rating = "up" if data.liked is True else "down" if data.liked is False else "wrong_source"
        self._feedback(caller, rating, chat_id)

    def wrong_source(self, state: dict | None, request: gr.Request) -> None:
        caller = get_caller(self.services, request, self.lang)
        last = (state or {}).get("last")
        if not last:
            raise gr.Error(t("no_answer_yet", self.lang))
        self._feedback(caller, "wrong_source", last["chat_id"])

    def _feedback(self, caller: Any, rating: str, chat_id: int | None) -> None:
        self.services.history.add_feedback(caller.name, rating, chat_id=chat_id)
        self.services.audit.append(caller.name, caller.role, "feedback", verdict=rating, detail={"chat_id": chat_id})
        gr.Info(t("feedback_thanks", self.lang))


def build_chat_tab(services: Any, lang: str, viewer: Any, sidebar: Any, public_api: bool) -> dict[str, Any]:
    h = ChatHandlers(services, lang)
    state = gr.State({"msg_ids": {}, "last": None})
    chatbot = gr.Chatbot(label=t("chatbot", lang), height=440, elem_id="chatbot",
                         feedback_options=("Like", "Dislike", t("wrong_source", lang)), buttons=["copy"])
    status = gr.HTML(elem_id="answer-status")
    chips = gr.Radio(label=t("citations", lang), choices=[], visible=False, elem_id="citation-chips",
                     elem_classes=["chips"])
    with gr.Row(equal_height=True):
        question = gr.Textbox(label=t("question", lang), placeholder=t("question_ph", lang), scale=5,
                              elem_id="question", lines=1, max_lines=4)
        ask_btn = gr.Button(t("ask", lang), variant="primary", scale=1, min_width=90, elem_id="ask")
    wrong_btn = gr.Button(t("wrong_source", lang), size="sm", variant="secondary", elem_id="wrong-source")
    api = "public" if public_api else "private"
    outputs = [chatbot, question, chips, status, state]
    ask_btn.click(h.ask, [question, chatbot, state], outputs, api_name="ask" if public_api else None,
                  api_visibility=api, concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
    question.submit(h.ask, [question, chatbot, state], outputs, api_visibility="private",
                    concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
    chips.input(h.open_citation, [chips, state], [viewer, sidebar], api_visibility="private")
    chatbot.like(h.like, [state], None, api_visibility="private")
    wrong_btn.click(h.wrong_source, [state], None, api_visibility="private")
    return {"handlers": h, "chatbot": chatbot, "state": state}
