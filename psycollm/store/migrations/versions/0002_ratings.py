"""Clinician ratings: rating items, candidate responses, rubric ratings, A/B comparisons.

Revision ID: 0002_ratings
Revises: 0001_chat
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_ratings"
down_revision = "0001_chat"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rating_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("set_name", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("origin", "external_id", name="uq_rating_items_origin_external"),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("rating_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("turn_id", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_responses_item_id", "responses", ["item_id"])
    dims = ("empathy", "supportiveness", "guidance", "safety", "professionalism", "accuracy")
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False, unique=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("rating_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rater_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        *[sa.Column(d, sa.Integer, nullable=False) for d in dims],
        sa.Column("harmful", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("response_id", "rater_id", name="uq_ratings_response_rater"),
    )
    op.create_index("ix_ratings_item_id", "ratings", ["item_id"])
    op.create_index("ix_ratings_response_id", "ratings", ["response_id"])
    op.create_index("ix_ratings_rater_id", "ratings", ["rater_id"])
    op.create_table(
        "comparisons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False, unique=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("rating_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("left_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("right_id", sa.Integer, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pair_key", sa.String(40), nullable=False),
        sa.Column("choice", sa.String(8), nullable=False),
        sa.Column("rater_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("pair_key", "rater_id", name="uq_comparisons_pair_rater"),
    )
    op.create_index("ix_comparisons_item_id", "comparisons", ["item_id"])
    op.create_index("ix_comparisons_rater_id", "comparisons", ["rater_id"])


def downgrade() -> None:
    for table in ("comparisons", "ratings", "responses", "rating_items"):
        op.drop_table(table)
