"""SQLAlchemy 2 models of everything the app keeps: users, chat sessions, turns, their sources and
safety events, clinicians' rating items, ratings and A/B comparisons.

The schema is created and upgraded by the Alembic migrations in ``psycollm/store/migrations``
(never by ``metadata.create_all``), so an old database is migrated on start-up;
``tests/app/test_store.py`` checks that the migrations and these models agree.

    from psycollm.store.models import Turn
    select(Turn).where(Turn.session_id == sid)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# ---------------------------------------------------------------------------------------------------
# People


class User(Base):
    """Someone who logs in: counselor (chat), clinician (rating), admin (everything)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ---------------------------------------------------------------------------------------------------
# Conversations


class ChatSession(Base):
    """One conversation; ``owner`` is the logged-in username or a signed per-browser id."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    turns: Mapped[list[Turn]] = relationship(back_populates="session", order_by="Turn.position, Turn.created_at")


class Turn(Base):
    """A user message and the assistant's reply. Regenerated/edited/undone turns stay, marked superseded."""

    __tablename__ = "turns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # index of the turn in its conversation
    user_text: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    raw_reply: Mapped[str] = mapped_column(Text, default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="")
    latency_s: Mapped[float] = mapped_column(Float, default=0.0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    input_verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    output_verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who replaced this turn: another turn id (regenerate/edit) or "undone".
    superseded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[ChatSession] = relationship(back_populates="turns")
    sources: Mapped[list[TurnSource]] = relationship(back_populates="turn", order_by="TurnSource.rank",
                                                     cascade="all, delete-orphan")
    safety_events: Mapped[list[SafetyEvent]] = relationship(back_populates="turn", cascade="all, delete-orphan")


class TurnSource(Base):
    """A knowledge-base chunk that was put into the prompt of a turn."""

    __tablename__ = "turn_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[str] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    chunk_id: Mapped[str] = mapped_column(String(200), default="")
    doc_id: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    lang: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(500), default="")

    turn: Mapped[Turn] = relationship(back_populates="sources")


class SafetyEvent(Base):
    """The safety layer did something other than allow (or failed) on a turn."""

    __tablename__ = "safety_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[str] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(8))  # input | output
    action: Mapped[str] = mapped_column(String(16))  # caution | crisis | refuse | replaced
    level: Mapped[str] = mapped_column(String(16), default="")
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    turn: Mapped[Turn] = relationship(back_populates="safety_events")


# ---------------------------------------------------------------------------------------------------
# Clinician ratings


class RatingItem(Base):
    """A context (messages ending with a user turn) with one or more candidate responses to rate.

    ``origin`` is "conversation" (made from a chat turn; ``external_id`` = session + context hash, so a
    regenerated reply lands on the same item as a second sample) or "import" (a prepared prompt set).
    """

    __tablename__ = "rating_items"
    __table_args__ = (UniqueConstraint("origin", "external_id", name="uq_rating_items_origin_external"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    set_name: Mapped[str] = mapped_column(String(100), default="")
    lang: Mapped[str] = mapped_column(String(8), default="")
    context: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    responses: Mapped[list[Response]] = relationship(back_populates="item", order_by="Response.id")


class Response(Base):
    """One candidate assistant reply to a rating item (a chat turn or an imported/generated reply)."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rating_items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(200), default="")
    turn_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[RatingItem] = relationship(back_populates="responses")


class Rating(Base):
    """A clinician's rubric scores (1-5) for one response. ``request_id`` makes a retried submit idempotent."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("response_id", "rater_id", name="uq_ratings_response_rater"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rating_items.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    empathy: Mapped[int] = mapped_column(Integer)
    supportiveness: Mapped[int] = mapped_column(Integer)
    guidance: Mapped[int] = mapped_column(Integer)
    safety: Mapped[int] = mapped_column(Integer)
    professionalism: Mapped[int] = mapped_column(Integer)
    accuracy: Mapped[int] = mapped_column(Integer)
    harmful: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Comparison(Base):
    """A blinded A/B choice between two responses to the same context, as shown (left/right)."""

    __tablename__ = "comparisons"
    __table_args__ = (UniqueConstraint("pair_key", "rater_id", name="uq_comparisons_pair_rater"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rating_items.id", ondelete="CASCADE"), index=True)
    left_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    right_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    pair_key: Mapped[str] = mapped_column(String(40))  # "<lower id>-<higher id>": one vote per pair and rater
    choice: Mapped[str] = mapped_column(String(8))  # left | right | tie
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
