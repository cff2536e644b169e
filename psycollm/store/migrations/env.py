"""Alembic environment for the psycollm store; run programmatically by `psycollm.store.migrate`.

The caller passes an open connection in ``config.attributes["connection"]``; there is no alembic.ini.
SQLite gets batch mode so that later migrations can alter tables.
"""

from __future__ import annotations

from alembic import context

from psycollm.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
