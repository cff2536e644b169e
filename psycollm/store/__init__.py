"""The app's database: users, conversations, safety events, clinicians' ratings, and their exports.

    from psycollm.store import Store
    store = Store.from_settings(settings)      # SQLite in the data dir by default, migrated on open
    psycollm users add ana --role clinician    # manage logins
    psycollm export preferences -o dpo.jsonl   # DPO pairs for `psycollm train dpo`

Modules: ``models`` (SQLAlchemy tables), ``migrations`` (Alembic, applied by ``migrate``),
``repository`` (`Store`: every read/write), ``importing`` (prompt sets from JSONL), ``export``
(JSONL/CSV, DPO pairs), ``agreement`` (inter-rater statistics), ``rubric``, ``cli``.
"""

from __future__ import annotations

from psycollm.store.repository import (
    ComparisonTask,
    RatingTask,
    SessionInfo,
    Store,
    TurnContext,
    TurnView,
    UserInfo,
)

__all__ = ["ComparisonTask", "RatingTask", "SessionInfo", "Store", "TurnContext", "TurnView", "UserInfo"]
