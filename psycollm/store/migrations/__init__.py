"""Alembic migrations for the app database; applied on start-up by `psycollm.store.migrate`."""
