"""Schema versions: Alembic migrations shipped in ``psycollm/store/migrations``, applied on start-up.

    from psycollm.store.migrate import upgrade, current_revision
    upgrade(engine)              # brings any older database to the newest schema; no-op when current

Opening a `Store` calls `upgrade`, so an app started on an old database migrates it. To add a
migration, write ``migrations/versions/NNNN_name.py`` by hand (op.* calls) with ``down_revision``
set to the previous head, and update ``models.py`` to match; ``tests/app/test_store.py`` checks
that the two agree.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: object):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (newest by default) in one transaction per step."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""
