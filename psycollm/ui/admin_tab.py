"""Admin tabs of the rating console: inter-rater statistics with charts, import and export.

    admin = build_admin_tabs(settings, store, generate=...)   # inside a gr.Tabs of the console
    admin.tabs, admin.visibility(is_admin)                     # shown to admins only

Every handler re-checks the admin role on the server (hidden tabs are not a permission).
"""


import logging
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycollm.config import Settings
from psycollm.errors import PsycollmError
from psycollm.ui.i18n import t

log = logging.getLogger(__name__)


@dataclass
class AdminTabs:
    tabs: list[Any]
    labelled: list[Any]
    labels: Any  # lang -> list of updates for ``labelled``
    visibility: Any  # (is_admin, lang) -> list of updates for ``tabs``


def build_admin_tabs(settings: Settings, store: Any, *, generate: Any = None) -> AdminTabs:
    import gradio as gr

    from psycollm.store.agreement import agreement_figure, format_table, rating_statistics
    from psycollm.store.cli import import_bytes
    from psycollm.store.export import KINDS, export, write_atomic

    export_dir = Path(tempfile.mkdtemp(prefix="psycollm-admin-exports-"))

    def require_admin(request: gr.Request | None) -> None:
        try:
            store.require_role(getattr(request, "username", None), ("admin",))
        except PsycollmError as exc:
            raise gr.Error(str(exc)) from None

    def fail(exc: BaseException) -> gr.Error:
        if isinstance(exc, PsycollmError):
            return gr.Error(str(exc))
        log.error("admin handler failed", exc_info=exc)
        return gr.Error(t("en", "internal_error"))

    with gr.Tab(t("en", "tab_stats"), id="stats", visible=False) as tab_stats:
        stats_btn = gr.Button(t("en", "refresh"), size="sm")
        stats_md = gr.Markdown(elem_id="stats-table")
        stats_plot = gr.Plot(label="ratings", elem_id="stats-plot")
        per_model = gr.Dataframe(label="per model", interactive=False)
    with gr.Tab(t("en", "tab_data"), id="data", visible=False) as tab_data, gr.Row():
            with gr.Column():
                upload = gr.File(label=t("en", "import_file"), file_types=[".jsonl", ".json", ".txt"], type="filepath")
                set_name = gr.Textbox(label=t("en", "set_name"), value="")
                skip_invalid = gr.Checkbox(label=t("en", "skip_invalid"), value=False)
                import_btn = gr.Button(t("en", "import"), variant="primary")
                samples = gr.Slider(1, 4, value=2, step=1, label=t("en", "samples"))
                generate_btn = gr.Button(t("en", "generate"), interactive=generate is not None)
                import_md = gr.Markdown()
            with gr.Column():
                kind = gr.Dropdown(list(KINDS), value="ratings", label=t("en", "export_kind"))
                fmt = gr.Radio(["jsonl", "csv"], value="jsonl", label=t("en", "export_format"))
                export_btn = gr.Button(t("en", "export"), variant="primary")
                export_file = gr.File(label=t("en", "download"), interactive=False)
                users_md = gr.Markdown()

    def on_stats(request: gr.Request):
        require_admin(request)
        try:
            stats = rating_statistics(store.rating_rows(), store.comparison_rows())
        except Exception as exc:
            raise fail(exc) from None
        ab = stats["ab"]
        agreement = "—" if ab["agreement"] is None else f"{ab['agreement']:.2f}"
        summary = (f"**{stats['n_ratings']}** ratings of **{stats['n_responses']}** responses by "
                   f"**{stats['n_raters']}** raters; **{stats['n_overlap']}** responses rated by two or more.  \n"
                   f"A/B: **{ab['n']}** choices on **{ab['pairs']}** pairs ({ab['ties']} ties); "
                   f"agreement between raters on the same pair: **{agreement}** "
                   f"({ab['multi_rated_pairs']} pairs with several raters).\n\n" + format_table(stats))
        import pandas as pd

        rows = [{"model": m, **{k: (round(v, 2) if isinstance(v, float) else v) for k, v in s.items()}}
                for m, s in stats["per_model"].items()]
        return summary, agreement_figure(stats), pd.DataFrame(rows)

    stats_btn.click(on_stats, None, [stats_md, stats_plot, per_model], api_name="statistics")

    def on_import(path: str | None, name: str, skip: bool, request: gr.Request):
        require_admin(request)
        if not path:
            raise gr.Error("Choose a JSONL file first.")
        try:
            data = Path(path).read_bytes()
            report = import_bytes(store, data, (name or Path(path).stem).strip()[:100], skip_invalid=skip,
                                  max_chars=max(settings.ui.max_message_chars, 20_000))
        except Exception as exc:
            raise fail(exc) from None
        text = (f"{report.items_added} new items, {report.items_existing} already there, "
                f"{report.responses_added} responses added.")
        if report.problems:
            text += "\n\nSkipped:\n" + "\n".join(f"- {p}" for p in report.problems[:20])
        return text

    import_btn.click(on_import, [upload, set_name, skip_invalid], [import_md], api_name="import_prompts")

    def on_generate(n: float, name: str, request: gr.Request):
        require_admin(request)
        if generate is None:
            raise gr.Error("No model is available to generate responses.")
        try:
            added = generate(int(n), (name or "").strip() or None)
        except Exception as exc:
            raise fail(exc) from None
        return f"{added} responses generated."

    generate_btn.click(on_generate, [samples, set_name], [import_md], api_name="generate_responses")

    def on_export(which: str, format_: str, request: gr.Request):
        require_admin(request)
        try:
            if which == "preferences":
                format_ = "jsonl"
            text, count = export(store, which, format_)
            path = write_atomic(export_dir / uuid.uuid4().hex[:12] / f"{which}.{format_}", text)
        except Exception as exc:
            raise fail(exc) from None
        return str(path), f"{count} records"

    export_btn.click(on_export, [kind, fmt], [export_file, users_md], api_name="export")

    def on_users(request: gr.Request):
        require_admin(request)
        users = store.list_users()
        return "\n".join(f"- {u.username} ({u.role})" for u in users) or "no users"

    tab_data.select(on_users, None, [users_md], api_visibility="private")

    labelled = [stats_btn, upload, set_name, skip_invalid, import_btn, samples, generate_btn, kind,
                fmt, export_btn, export_file]

    def labels(lang: str) -> list[Any]:
        return [gr.update(value=t(lang, "refresh")), gr.update(label=t(lang, "import_file")),
                gr.update(label=t(lang, "set_name")), gr.update(label=t(lang, "skip_invalid")),
                gr.update(value=t(lang, "import")), gr.update(label=t(lang, "samples")),
                gr.update(value=t(lang, "generate")), gr.update(label=t(lang, "export_kind")),
                gr.update(label=t(lang, "export_format")), gr.update(value=t(lang, "export")),
                gr.update(label=t(lang, "download"))]

    def visibility(is_admin: bool, lang: str) -> list[Any]:
        return [gr.update(visible=is_admin, label=t(lang, "tab_stats")),
                gr.update(visible=is_admin, label=t(lang, "tab_data"))]

    return AdminTabs(tabs=[tab_stats, tab_data], labelled=labelled, labels=labels, visibility=visibility)
