"""The clinicians' pages (mounted at /rate, behind Gradio's login): rubric rating and blinded A/B.

    blocks = build_console(settings, store, generate=...)   # psycollm.ui.server mounts it with auth

Tabs: "Rate responses" (six 1-5 scores with anchored descriptions, harmful flag, comment),
"Compare (A/B)" (two responses to one context in random order, models hidden), and for admins
the inter-rater view and import/export (psycollm/ui/admin_tab.py). Every handler checks the
logged-in user's role on the server; hiding a tab is only cosmetic. A failed save raises a
Gradio error and leaves the form as it was, so the clinician's input is never lost; a retried
save (same request id) is stored once.
"""


import logging
import random
from typing import Any

from psycollm.config import Settings
from psycollm.errors import PsycollmError
from psycollm.store.rubric import DIMENSIONS, anchors, label
from psycollm.ui.chat_tab import escape
from psycollm.ui.i18n import t

log = logging.getLogger(__name__)


def context_messages(context: list[dict[str, str]]) -> list[dict[str, Any]]:
    """A rating item's context for a read-only Chatbot (system prompts shown as a collapsed note)."""
    out: list[dict[str, Any]] = []
    for m in context:
        if m["role"] == "system":
            out.append({"role": "assistant", "content": escape(m["content"]),
                        "metadata": {"title": "system prompt", "status": "done"}})
        else:
            out.append({"role": m["role"], "content": escape(m["content"])})
    return out


def anchor_info(dimension: str, lang: str) -> str:
    a = anchors(dimension, lang)
    return f"1 = {a[1]}  ·  3 = {a[3]}  ·  5 = {a[5]}"


def build_console(settings: Settings, store: Any, *, generate: Any = None):  # -> gr.Blocks
    """The rating console. ``generate(samples, set_name)`` fills missing responses (admin tab)."""
    import gradio as gr

    from psycollm.ui import admin_tab, i18n

    def user_of(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

    def fail(exc: BaseException) -> gr.Error:
        if isinstance(exc, PsycollmError):
            return gr.Error(str(exc))
        log.error("rating handler failed", exc_info=exc)
        return gr.Error(t("en", "internal_error"))

    def lang_of(choice: str | None, request: gr.Request | None) -> str:
        header = request.headers.get("accept-language") if request is not None else None
        return i18n.resolve(choice, header, settings.ui.language)

    with gr.Blocks(title="psycollm — rating", analytics_enabled=False) as demo:
        rate_task = gr.State(None)
        ab_task = gr.State(None)
        skipped = gr.State([])
        with gr.Row(equal_height=True):
            title = gr.Markdown(f"## {t('en', 'console_title')}")
            who = gr.Markdown(elem_id="who")
            lang_radio = gr.Radio([("Auto", "auto"), ("中文", "zh"), ("English", "en")], value="auto",
                                  label=t("en", "language"), scale=0, min_width=260)
        with gr.Tabs():
            with gr.Tab(t("en", "tab_rate"), id="rate") as tab_rate:
                rate_info = gr.Markdown(elem_id="rate-info")
                with gr.Row():
                    with gr.Column(scale=3):
                        rate_context = gr.Chatbot(label=t("en", "context"), height=300, feedback_options=None,
                                                  buttons=[], elem_id="rate-context")
                        rate_response = gr.Markdown(label=t("en", "response_to_rate"), elem_id="rate-response",
                                                    container=True, show_label=True)
                    with gr.Column(scale=2):
                        radios = [gr.Radio(["1", "2", "3", "4", "5"], value=None, label=label(d, "en"),
                                           info=anchor_info(d, "en"), elem_id=f"score-{d}") for d in DIMENSIONS]
                        harmful = gr.Checkbox(label=t("en", "harmful"), value=False, elem_id="harmful")
                        comment = gr.Textbox(label=t("en", "comment"), lines=2, elem_id="comment")
                        with gr.Row():
                            submit_btn = gr.Button(t("en", "submit"), variant="primary", elem_id="submit-rating")
                            skip_btn = gr.Button(t("en", "skip"), elem_id="skip-rating")
                        saved_md = gr.Markdown(elem_id="rating-saved")
            with gr.Tab(t("en", "tab_ab"), id="ab") as tab_ab:
                ab_info = gr.Markdown(elem_id="ab-info")
                ab_context = gr.Chatbot(label=t("en", "context"), height=260, feedback_options=None, buttons=[])
                with gr.Row():
                    ab_left = gr.Markdown(label=t("en", "ab_left"), container=True, show_label=True, elem_id="ab-left")
                    ab_right = gr.Markdown(label=t("en", "ab_right"), container=True, show_label=True,
                                           elem_id="ab-right")
                ab_comment = gr.Textbox(label=t("en", "comment"), lines=1)
                with gr.Row():
                    pick_left = gr.Button(t("en", "ab_pick_left"), variant="primary")
                    pick_tie = gr.Button(t("en", "ab_tie"))
                    pick_right = gr.Button(t("en", "ab_pick_right"), variant="primary")
                ab_saved = gr.Markdown()
            admin = admin_tab.build_admin_tabs(settings, store, generate=generate)

        # -- rubric ---------------------------------------------------------------------------------
        def task_view(task: Any, lang: str) -> tuple[Any, ...]:
            if task is None:
                return t(lang, "queue_empty"), [], ""
            origin = task.origin + (f", {task.set_name}" if task.set_name and task.origin == "import" else "")
            info = t(lang, "queue_left", n=task.remaining, item=task.item_id, origin=origin, set="")
            return info, context_messages(task.context), escape(task.response)

        def load_rating(skip_ids: list[int], choice: str = "auto", request: gr.Request = None):
            lang = lang_of(choice, request)
            try:
                task = store.next_rating_task(user_of(request), exclude=skip_ids)
            except Exception as exc:
                raise fail(exc) from None
            info, ctx, resp = task_view(task, lang)
            cleared = [gr.update(value=None) for _ in DIMENSIONS]
            return (task, info, ctx, resp, *cleared, gr.update(value=False), gr.update(value=""))

        form = [*radios, harmful, comment]
        task_outputs = [rate_task, rate_info, rate_context, rate_response, *form]
        next_event = gr.Button(visible=False).click(load_rating, [skipped, lang_radio], task_outputs,
                                                    api_name="next_rating")

        def submit(task: Any, skip_ids: list[int], choice: str, empathy: str | None, supportiveness: str | None,
                   guidance: str | None, safety: str | None, professionalism: str | None, accuracy: str | None,
                   is_harmful: bool, text: str, request: gr.Request):
            lang = lang_of(choice, request)
            if task is None:
                raise gr.Error(t(lang, "queue_empty"))
            scores = {"empathy": empathy, "supportiveness": supportiveness, "guidance": guidance, "safety": safety,
                      "professionalism": professionalism, "accuracy": accuracy}
            try:
                rating_id = store.submit_rating(user_of(request), task.response_id, scores, harmful=bool(is_harmful),
                                                comment=text or "", request_id=task.request_id)
            except Exception as exc:
                raise fail(exc) from None  # the form keeps its values
            return t(lang, "saved", id=rating_id), *load_rating(skip_ids, choice, request)

        submit_btn.click(submit, [rate_task, skipped, lang_radio, *form], [saved_md, *task_outputs],
                         api_name="submit_rating", concurrency_limit=8, concurrency_id="rating-write")

        def skip(task: Any, skip_ids: list[int], choice: str, request: gr.Request):
            skip_ids = [*skip_ids, task.response_id] if task is not None else skip_ids
            return skip_ids, *load_rating(skip_ids, choice, request)

        skip_btn.click(skip, [rate_task, skipped, lang_radio], [skipped, *task_outputs], api_name="skip_rating")

        # -- A/B ------------------------------------------------------------------------------------------
        rng = random.Random()

        def load_ab(choice: str, request: gr.Request):
            lang = lang_of(choice, request)
            try:
                task = store.next_comparison_task(user_of(request), rng=rng)
            except Exception as exc:
                raise fail(exc) from None
            if task is None:
                return None, t(lang, "ab_empty"), [], "", "", gr.update(value="")
            return (task, t(lang, "ab_left_n", n=task.remaining, item=task.item_id), context_messages(task.context),
                    escape(task.left), escape(task.right), gr.update(value=""))

        ab_outputs = [ab_task, ab_info, ab_context, ab_left, ab_right, ab_comment]
        gr.Button(visible=False).click(load_ab, [lang_radio], ab_outputs, api_name="next_comparison")

        def chooser(choice_value: str):
            def pick(task: Any, text: str, choice: str, request: gr.Request):
                lang = lang_of(choice, request)
                if task is None:
                    raise gr.Error(t(lang, "ab_empty"))
                try:
                    cid = store.submit_comparison(user_of(request), task.left_id, task.right_id, choice_value,
                                                  comment=text or "", request_id=task.request_id)
                except Exception as exc:
                    raise fail(exc) from None
                return t(lang, "ab_saved", id=cid), *load_ab(choice, request)
            return pick

        for button, value in ((pick_left, "left"), (pick_right, "right"), (pick_tie, "tie")):
            button.click(chooser(value), [ab_task, ab_comment, lang_radio], [ab_saved, *ab_outputs],
                         api_name=f"choose_{value}", concurrency_limit=8, concurrency_id="rating-write")

        # -- page load, language, roles ------------------------------------------------------------------
        relabel = [title, lang_radio, tab_rate, tab_ab, rate_context, rate_response, *radios, harmful, comment,
                   submit_btn, skip_btn, ab_context, ab_left, ab_right, ab_comment, pick_left, pick_tie, pick_right,
                   *admin.labelled]

        def labels(lang: str) -> list[Any]:
            return [gr.update(value=f"## {t(lang, 'console_title')}"),
                    gr.update(label=t(lang, "language"), choices=[(t(lang, "lang_auto"), "auto"), ("中文", "zh"),
                                                                  ("English", "en")]),
                    gr.update(label=t(lang, "tab_rate")), gr.update(label=t(lang, "tab_ab")),
                    gr.update(label=t(lang, "context")), gr.update(label=t(lang, "response_to_rate")),
                    *[gr.update(label=label(d, lang), info=anchor_info(d, lang)) for d in DIMENSIONS],
                    gr.update(label=t(lang, "harmful")), gr.update(label=t(lang, "comment")),
                    gr.update(value=t(lang, "submit")), gr.update(value=t(lang, "skip")),
                    gr.update(label=t(lang, "context")), gr.update(label=t(lang, "ab_left")),
                    gr.update(label=t(lang, "ab_right")), gr.update(label=t(lang, "comment")),
                    gr.update(value=t(lang, "ab_pick_left")), gr.update(value=t(lang, "ab_tie")),
                    gr.update(value=t(lang, "ab_pick_right")), *admin.labels(lang)]

        def on_load(choice: str, request: gr.Request):
            lang = lang_of(choice, request)
            user = store.get_user(user_of(request))
            is_admin = user is not None and user.role == "admin"
            who_text = t(lang, "logged_in_as", user=escape(user.username), role=user.role) if user else ""
            return (who_text, *labels(lang), *admin.visibility(is_admin, lang), *load_rating([], choice, request),
                    *load_ab(choice, request))

        load_outputs = [who, *relabel, *admin.tabs, *task_outputs, *ab_outputs]
        demo.load(on_load, [lang_radio], load_outputs, api_visibility="private")

        def on_lang(choice: str, task: Any, request: gr.Request):
            # Relabel only: a form being filled in keeps its values.
            lang = lang_of(choice, request)
            user = store.get_user(user_of(request))
            is_admin = user is not None and user.role == "admin"
            who_text = t(lang, "logged_in_as", user=escape(user.username), role=user.role) if user else ""
            info = task_view(task, lang)[0]
            return (who_text, *labels(lang), *admin.visibility(is_admin, lang), info)

        lang_radio.change(on_lang, [lang_radio, rate_task], [who, *relabel, *admin.tabs, rate_info],
                          api_visibility="private")
        del next_event
    return demo
