"""The web app's pages: chat (``chat_tab``), clinician rating (``rating_tab``), admin (``admin_tab``),
UI strings (``i18n``), and ``server`` which mounts them on one FastAPI app.

    from psycollm.ui.server import build_app
    build_app(settings).serve()          # what app.py / `make run` does

Gradio is imported inside the builders, so importing this package is cheap.
"""

from __future__ import annotations


def build_app(settings, **kwargs):  # -> psycollm.ui.server.PsycollmApp
    from psycollm.ui.server import build_app as _build

    return _build(settings, **kwargs)


__all__ = ["build_app"]
