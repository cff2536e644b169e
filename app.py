"""Start the psycollm web app: chat at http://127.0.0.1:7860/, clinician rating at /rate/.

    .venv/bin/python app.py                          # `make run`: the embedded model, no network
    .venv/bin/python app.py --backend openai --base-url http://gpu-box:8000/v1 --model psycollm-14b
    .venv/bin/python app.py --port 8080 --set ui.require_login=true

Settings: defaults < --config FILE < PSYCOLLM_* env < flags (see `psycollm config show`).
Users for the rating pages: `psycollm users add NAME --role clinician`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from psycollm.config import add_settings_arguments, settings_from_args
from psycollm.errors import PsycollmError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
        logging.basicConfig(level=getattr(logging, settings.log_level.upper(), logging.INFO),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        from psycollm.ui.server import build_app

        app = build_app(settings)
    except PsycollmError as exc:
        print(f"psycollm app: {exc}", file=sys.stderr)
        return 1
    host, port = settings.ui.host, settings.ui.port
    print(f"psycollm: chat on http://{host}:{port}/ · clinician rating on http://{host}:{port}/rate/ · "
          f"model {app.counselor.model_name}", flush=True)
    try:
        app.serve()
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
