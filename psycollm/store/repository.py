"""The store: every read and write of the app's database, one transaction per operation.

    store = Store.from_settings(settings)          # SQLite file in the data dir (WAL), migrated on open
    store = Store("postgresql+psycopg://...")      # any SQLAlchemy URL
    counselor = Counselor.from_settings(settings, sink=store)   # turns are saved as they finish
    store.add_user("ana", "s3cret-pass", "clinician")
    task = store.next_rating_task("ana")
    store.submit_rating("ana", task.response_id, {"empathy": 4, ...}, request_id=task.request_id)

Methods return plain dataclasses (never ORM objects), so callers cannot lazy-load after the
session closed. A write either commits whole or raises (`StorageError`, `InputRejected`,
`NotAllowed`), so the UI can show the message and keep the user's input. Retried submits are
idempotent through ``request_id``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from psycollm.errors import InputRejected, NotAllowed, StorageError
from psycollm.store.models import (
    ChatSession,
    Comparison,
    Rating,
    RatingItem,
    Response,
    SafetyEvent,
    Turn,
    TurnSource,
    User,
    utcnow,
)
from psycollm.store.rubric import DIMENSIONS

log = logging.getLogger(__name__)

ROLES = ("counselor", "clinician", "admin")
RATER_ROLES = ("clinician", "admin")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD_CHARS = 8
MAX_COMMENT_CHARS = 5000


# ---------------------------------------------------------------------------------------------------
# What the store hands out


@dataclass
class UserInfo:
    id: int
    username: str
    role: str
    created_at: datetime


@dataclass
class SessionInfo:
    id: str
    title: str
    lang: str
    turns: int
    created_at: datetime
    updated_at: datetime


@dataclass
class SourceView:
    title: str
    text: str
    score: float
    doc_id: str = ""
    chunk_id: str = ""
    source: str = ""


@dataclass
class TurnView:
    """One stored turn as the chat UI and the exports need it."""

    turn_id: str
    position: int
    user_text: str
    reply: str
    model: str
    status: str
    lang: str
    sources: list[SourceView]
    safety: list[dict[str, Any]]
    superseded_by: str | None
    created_at: datetime
    error: str | None = None
    resources: str = ""  # the crisis-line line shown under a caution reply (from the input verdict)


@dataclass
class TurnContext:
    """What the chat UI knows about a turn that the engine's `TurnRecord` does not."""

    owner: str
    history: list[dict[str, str]] = field(default_factory=list)  # messages before the user's
    supersedes: str | None = None  # the turn this one regenerates or edits
    enqueue: bool = True  # put the reply in the clinicians' rating queue


@dataclass
class RatingTask:
    item_id: int
    response_id: int
    context: list[dict[str, str]]
    response: str
    origin: str
    set_name: str
    lang: str
    request_id: str  # send back with the rating: a retried submit is stored once
    remaining: int  # responses this rater has not rated yet (including this one)


@dataclass
class ComparisonTask:
    item_id: int
    left_id: int
    right_id: int
    context: list[dict[str, str]]
    left: str
    right: str
    lang: str
    request_id: str
    remaining: int  # pairs this rater has not compared yet (including this one)


@dataclass
class ImportReport:
    items_added: int = 0
    items_existing: int = 0
    responses_added: int = 0
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# The store


class Store:
    """Repository over one SQLAlchemy engine. Thread-safe: every call opens its own session."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            from psycollm.store.migrate import upgrade

            upgrade(self.engine)
        # Hashing a dummy password on unknown usernames keeps login time independent of whether the
        # user exists.
        self._dummy_hash: str | None = None
        self.max_comment_chars = MAX_COMMENT_CHARS

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        url = settings.database_url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url[len("sqlite:///"):]).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return cls(url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back and reported as StorageError on failure."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except (InputRejected, NotAllowed):
            session.rollback()
            raise
        except IntegrityError:
            session.rollback()
            raise
        except OperationalError as exc:
            session.rollback()
            log.exception("database error")
            raise StorageError(f"The database could not be written ({_short(exc)}). Nothing was saved; "
                               "please try again.") from exc
        except SQLAlchemyError as exc:
            session.rollback()
            log.exception("database error")
            raise StorageError(f"Database error ({_short(exc)}). Nothing was saved; please try again.") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- users ----------------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str) -> UserInfo:
        username = username.strip()
        if not _USERNAME.match(username):
            raise InputRejected("Usernames are 1-64 characters: letters, digits and _ . @ -")
        if role not in ROLES:
            raise InputRejected(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
        _check_password(password)
        hashed = _hasher().hash(password)
        try:
            with self._tx() as s:
                user = User(username=username, password_hash=hashed, role=role)
                s.add(user)
                s.flush()
                return _user_info(user)
        except IntegrityError:
            raise InputRejected(f"User '{username}' already exists.") from None

    def remove_user(self, username: str) -> bool:
        """Delete a user; their ratings stay (attributed to the id) if any exist, so the user is only
        removed when nothing references them, otherwise their password is invalidated."""
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                return False
            used = s.scalar(select(func.count()).select_from(Rating).where(Rating.rater_id == user.id)) or 0
            used += s.scalar(select(func.count()).select_from(Comparison).where(Comparison.rater_id == user.id)) or 0
            if used:
                # Keep the ratings' author; make the account unusable.
                user.password_hash = "!disabled"
                user.username = f"{user.username[:40]}#removed-{user.id}"
            else:
                s.delete(user)
            return True

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise InputRejected(f"No user '{username}'.")
            user.password_hash = _hasher().hash(password)

    def list_users(self) -> list[UserInfo]:
        with self._tx() as s:
            return [_user_info(u) for u in s.scalars(select(User).order_by(User.username))
                    if not u.password_hash.startswith("!")]

    def get_user(self, username: str | None) -> UserInfo | None:
        if not username:
            return None
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == username))
            return _user_info(user) if user is not None and not user.password_hash.startswith("!") else None

    def has_users(self) -> bool:
        with self._tx() as s:
            return bool(s.scalar(select(func.count()).select_from(User)))

    def authenticate(self, username: str, password: str, roles: Sequence[str] = ROLES) -> UserInfo | None:
        """The user if the password matches and the role is one of ``roles``; None otherwise."""
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = _hasher()
        with self._tx() as s:
            user = s.scalar(select(User).where(User.username == (username or "").strip()))
            if user is None or user.password_hash.startswith("!"):
                if self._dummy_hash is None:
                    self._dummy_hash = hasher.hash("not-a-real-password")
                with suppress(VerificationError):
                    hasher.verify(self._dummy_hash, password or "x")
                return None
            try:
                hasher.verify(user.password_hash, password or "")
            except (VerificationError, InvalidHashError):
                return None
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hasher.hash(password)
            if user.role not in roles:
                return None
            return _user_info(user)

    def _require_rater(self, s: Session, username: str | None) -> User:
        user = s.scalar(select(User).where(User.username == (username or "")))
        if user is None or user.password_hash.startswith("!"):
            raise NotAllowed("Please log in as a clinician to rate responses.")
        if user.role not in RATER_ROLES:
            raise NotAllowed(f"'{username}' is a {user.role}; rating needs the clinician or admin role.")
        return user

    def require_role(self, username: str | None, roles: Sequence[str]) -> UserInfo:
        user = self.get_user(username)
        if user is None:
            raise NotAllowed("Please log in.")
        if user.role not in roles:
            raise NotAllowed(f"This needs the {' or '.join(roles)} role; '{user.username}' is a {user.role}.")
        return user

    # -- chat turns -------------------------------------------------------------------------------------
    def save_turn(self, record: Any, context: TurnContext | None = None) -> None:
        """Persist a finished turn (the engine's `TurnRecord`), its sources and safety events, at once.

        With a ``context`` (from the chat UI) the turn gets its owner and position, supersedes the
        turn it regenerates, and an ok reply joins the rating queue as a response to its context.
        """
        owner = context.owner if context else "cli"
        with self._tx() as s:
            session = s.get(ChatSession, record.session_id)
            if session is None:
                session = ChatSession(id=record.session_id, owner=owner, title=_title(record.user_text),
                                      lang=record.lang or "")
                s.add(session)
            elif context is not None and session.owner != owner:
                raise NotAllowed("This conversation belongs to someone else.")
            if context is not None:
                position = len([m for m in context.history if m.get("role") == "user"])
            else:
                position = s.scalar(select(func.count()).select_from(Turn).where(
                    Turn.session_id == record.session_id, Turn.superseded_by.is_(None))) or 0
            turn = Turn(id=record.turn_id, session_id=record.session_id, position=position,
                        user_text=record.user_text, reply=record.reply, raw_reply=record.raw_reply or "",
                        model=record.model or "", status=record.status, lang=record.lang or "",
                        latency_s=float(record.latency_s or 0.0), params=dict(record.params or {}),
                        input_verdict=record.input_verdict, output_verdict=record.output_verdict,
                        error=record.error)
            s.add(turn)
            for rank, src in enumerate(record.sources or []):
                s.add(TurnSource(turn_id=record.turn_id, rank=rank, chunk_id=str(getattr(src, "chunk_id", "")),
                                 doc_id=str(getattr(src, "doc_id", "")), title=str(getattr(src, "title", ""))[:500],
                                 text=str(getattr(src, "text", "")), score=float(getattr(src, "score", 0.0)),
                                 lang=str(getattr(src, "lang", "")), source=str(getattr(src, "source", ""))[:500]))
            for stage, data in (("input", record.input_verdict), ("output", record.output_verdict)):
                event_action = _safety_action(stage, data)
                if event_action:
                    s.add(SafetyEvent(turn_id=record.turn_id, session_id=record.session_id, stage=stage,
                                      action=event_action, level=str(data.get("level", "")),  # type: ignore[union-attr]
                                      categories=list(data.get("categories", [])),  # type: ignore[union-attr]
                                      reasons=[str(r) for r in data.get("reasons", [])],  # type: ignore[union-attr]
                                      failed=bool(data.get("failed", False))))  # type: ignore[union-attr]
            if context is not None and context.supersedes:
                old = s.get(Turn, context.supersedes)
                if old is not None and old.session_id == record.session_id:
                    old.superseded_by = record.turn_id
            session.updated_at = utcnow()
            if context is not None and context.enqueue and record.status == "ok" and record.reply.strip():
                messages = [*_clean_messages(context.history), {"role": "user", "content": record.user_text}]
                key = f"{record.session_id}:{_context_hash(messages)}"
                item = s.scalar(select(RatingItem).where(RatingItem.origin == "conversation",
                                                         RatingItem.external_id == key))
                if item is None:
                    item = RatingItem(origin="conversation", external_id=key, set_name="conversations",
                                      lang=record.lang or "", context=messages)
                    s.add(item)
                    s.flush()
                s.add(Response(item_id=item.id, text=record.reply, model=record.model or "", turn_id=record.turn_id))

    def supersede(self, turn_id: str, owner: str, by: str = "undone") -> None:
        """Mark a turn as replaced (``by`` another turn id) or undone; it stays in the database."""
        with self._tx() as s:
            turn = s.get(Turn, turn_id)
            if turn is None:
                return
            if turn.session.owner != owner:
                raise NotAllowed("This conversation belongs to someone else.")
            turn.superseded_by = by

    def list_sessions(self, owner: str, limit: int = 100) -> list[SessionInfo]:
        with self._tx() as s:
            counts = (select(Turn.session_id, func.count().label("n")).where(Turn.superseded_by.is_(None))
                      .group_by(Turn.session_id).subquery())
            rows = s.execute(select(ChatSession, counts.c.n).join(counts, counts.c.session_id == ChatSession.id)
                             .where(ChatSession.owner == owner)
                             .order_by(ChatSession.updated_at.desc()).limit(limit)).all()
            return [SessionInfo(id=cs.id, title=cs.title, lang=cs.lang, turns=n, created_at=cs.created_at,
                                updated_at=cs.updated_at) for cs, n in rows]

    def load_conversation(self, session_id: str, owner: str | None, *,
                          include_superseded: bool = False) -> tuple[SessionInfo, list[TurnView]]:
        """A conversation's turns in order; ``owner=None`` skips the ownership check (admin exports)."""
        with self._tx() as s:
            cs = s.get(ChatSession, session_id)
            if cs is None or (owner is not None and cs.owner != owner):
                # Same message for "absent" and "someone else's": ids of others' sessions are not confirmed.
                raise NotAllowed("No such conversation.")
            turns = [t for t in cs.turns if include_superseded or t.superseded_by is None]
            views = [_turn_view(t) for t in sorted(turns, key=lambda t: (t.position, t.created_at))]
            info = SessionInfo(id=cs.id, title=cs.title, lang=cs.lang, turns=len(views), created_at=cs.created_at,
                               updated_at=cs.updated_at)
            return info, views

    def iter_sessions(self) -> list[tuple[str, str]]:
        """(session id, owner) of every conversation, oldest first (for exports)."""
        with self._tx() as s:
            return [(r.id, r.owner) for r in s.scalars(select(ChatSession).order_by(ChatSession.created_at))]

    def safety_events(self, session_id: str | None = None) -> list[dict[str, Any]]:
        with self._tx() as s:
            q = select(SafetyEvent).order_by(SafetyEvent.created_at)
            if session_id:
                q = q.where(SafetyEvent.session_id == session_id)
            return [{"turn_id": e.turn_id, "session_id": e.session_id, "stage": e.stage, "action": e.action,
                     "level": e.level, "categories": e.categories, "reasons": e.reasons, "failed": e.failed,
                     "created_at": e.created_at.isoformat()} for e in s.scalars(q)]

    # -- rating items -----------------------------------------------------------------------------------
    def import_items(self, items: Sequence[dict[str, Any]], set_name: str = "import") -> ImportReport:
        """Add prepared items (validated by `psycollm.store.importing`): context + optional responses.

        Re-importing the same ids adds only responses that are new, so an import can be repeated.
        """
        report = ImportReport()
        with self._tx() as s:
            for it in items:
                key = str(it["id"])
                item = s.scalar(select(RatingItem).where(RatingItem.origin == "import", RatingItem.external_id == key))
                if item is None:
                    item = RatingItem(origin="import", external_id=key, set_name=set_name, lang=it.get("lang", ""),
                                      context=it["messages"])
                    s.add(item)
                    s.flush()
                    report.items_added += 1
                    existing: set[str] = set()
                else:
                    report.items_existing += 1
                    existing = {r.text for r in item.responses}
                for resp in it.get("responses", []):
                    if resp["text"] in existing:
                        continue
                    s.add(Response(item_id=item.id, text=resp["text"], model=resp.get("model", "")))
                    existing.add(resp["text"])
                    report.responses_added += 1
        return report

    def items_needing_responses(self, samples: int, set_name: str | None = None) -> list[tuple[int, list[dict], int]]:
        """(item id, context, responses it has) of imported items with fewer than ``samples`` responses."""
        with self._tx() as s:
            q = select(RatingItem).where(RatingItem.origin == "import").order_by(RatingItem.id)
            if set_name:
                q = q.where(RatingItem.set_name == set_name)
            out = []
            for item in s.scalars(q):
                n = len(item.responses)
                if n < samples:
                    out.append((item.id, list(item.context), n))
            return out

    def add_response(self, item_id: int, text: str, model: str) -> int:
        if not text.strip():
            raise InputRejected("An empty response cannot be rated.")
        with self._tx() as s:
            if s.get(RatingItem, item_id) is None:
                raise InputRejected(f"No rating item {item_id}.")
            resp = Response(item_id=item_id, text=text, model=model)
            s.add(resp)
            s.flush()
            return resp.id

    def queue_counts(self) -> dict[str, int]:
        with self._tx() as s:
            return {
                "items": s.scalar(select(func.count()).select_from(RatingItem)) or 0,
                "responses": s.scalar(select(func.count()).select_from(Response)) or 0,
                "ratings": s.scalar(select(func.count()).select_from(Rating)) or 0,
                "comparisons": s.scalar(select(func.count()).select_from(Comparison)) or 0,
            }

    # -- rubric ratings ---------------------------------------------------------------------------------
    def next_rating_task(self, username: str | None, exclude: Sequence[int] = (),
                         target_raters: int = 2) -> RatingTask | None:
        """The next response this rater has not rated: ones that others rated (but fewer than
        ``target_raters`` did) come first, so that items get the overlap inter-rater statistics need."""
        with self._tx() as s:
            rater = self._require_rater(s, username)
            mine = select(Rating.response_id).where(Rating.rater_id == rater.id)
            counts = (select(Rating.response_id, func.count().label("n")).group_by(Rating.response_id).subquery())
            n = func.coalesce(counts.c.n, 0)
            q = (select(Response, n).outerjoin(counts, counts.c.response_id == Response.id)
                 .where(Response.id.not_in(mine)))
            if exclude:
                q = q.where(Response.id.not_in(list(exclude)))
            remaining = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            row = s.execute(q.order_by((n >= target_raters).asc(), n.desc(), Response.item_id, Response.id)
                            .limit(1)).first()
            if row is None:
                return None
            resp = row[0]
            item = resp.item
            return RatingTask(item_id=item.id, response_id=resp.id, context=list(item.context), response=resp.text,
                              origin=item.origin, set_name=item.set_name, lang=item.lang,
                              request_id=uuid.uuid4().hex, remaining=remaining)

    def submit_rating(self, username: str | None, response_id: int, scores: dict[str, Any], *,
                      harmful: bool = False, comment: str = "", request_id: str | None = None) -> int:
        """Store one rubric rating (all six scores 1-5) and return its id; the same request_id twice
        stores it once. Raises InputRejected (fix and resubmit) or StorageError (retry)."""
        clean = _validate_scores(scores)
        comment = _clean_comment(comment, self.max_comment_chars)
        request_id = request_id or uuid.uuid4().hex
        try:
            with self._tx() as s:
                rater = self._require_rater(s, username)
                done = s.scalar(select(Rating).where(Rating.request_id == request_id))
                if done is not None:
                    return done.id
                resp = s.get(Response, response_id)
                if resp is None:
                    raise InputRejected(f"Response {response_id} does not exist (any more).")
                rating = Rating(request_id=request_id, item_id=resp.item_id, response_id=resp.id, rater_id=rater.id,
                                harmful=bool(harmful), comment=comment, **clean)
                s.add(rating)
                s.flush()
                return rating.id
        except IntegrityError:
            with self._tx() as s:
                done = s.scalar(select(Rating).where(Rating.request_id == request_id))
                if done is not None:
                    return done.id
            raise InputRejected("You have already rated this response.") from None

    # -- A/B comparisons --------------------------------------------------------------------------------
    def next_comparison_task(self, username: str | None, rng: random.Random | None = None,
                             exclude: Sequence[str] = ()) -> ComparisonTask | None:
        """A pair of responses to the same context that this rater has not compared, in random order.
        Models are not revealed (blinded)."""
        rng = rng or random.Random()
        with self._tx() as s:
            rater = self._require_rater(s, username)
            done = set(s.scalars(select(Comparison.pair_key).where(Comparison.rater_id == rater.id)))
            done.update(exclude)
            multi = (select(Response.item_id).group_by(Response.item_id).having(func.count() >= 2))
            candidates: list[tuple[int, int, int]] = []
            for item_id, resp_id in s.execute(select(Response.item_id, Response.id)
                                              .where(Response.item_id.in_(multi))
                                              .order_by(Response.item_id, Response.id)):
                candidates.append((item_id, resp_id, 0))
            by_item: dict[int, list[int]] = {}
            for item_id, resp_id, _ in candidates:
                by_item.setdefault(item_id, []).append(resp_id)
            pairs = [(item_id, a, b) for item_id, ids in by_item.items()
                     for i, a in enumerate(ids) for b in ids[i + 1:] if _pair_key(a, b) not in done]
            if not pairs:
                return None
            item_id, a, b = pairs[0]
            if rng.random() < 0.5:
                a, b = b, a
            item = s.get(RatingItem, item_id)
            left, right = s.get(Response, a), s.get(Response, b)
            return ComparisonTask(item_id=item_id, left_id=a, right_id=b, context=list(item.context),  # type: ignore[union-attr]
                                  left=left.text, right=right.text, lang=item.lang,  # type: ignore[union-attr]
                                  request_id=uuid.uuid4().hex, remaining=len(pairs))

    def submit_comparison(self, username: str | None, left_id: int, right_id: int, choice: str, *,
                          comment: str = "", request_id: str | None = None) -> int:
        if choice not in ("left", "right", "tie"):
            raise InputRejected("Choose the left response, the right response, or a tie.")
        comment = _clean_comment(comment, self.max_comment_chars)
        request_id = request_id or uuid.uuid4().hex
        try:
            with self._tx() as s:
                rater = self._require_rater(s, username)
                done = s.scalar(select(Comparison).where(Comparison.request_id == request_id))
                if done is not None:
                    return done.id
                left, right = s.get(Response, left_id), s.get(Response, right_id)
                if left is None or right is None or left.item_id != right.item_id or left_id == right_id:
                    raise InputRejected("These two responses cannot be compared (not two answers to one context).")
                comp = Comparison(request_id=request_id, item_id=left.item_id, left_id=left_id, right_id=right_id,
                                  pair_key=_pair_key(left_id, right_id), choice=choice, rater_id=rater.id,
                                  comment=comment)
                s.add(comp)
                s.flush()
                return comp.id
        except IntegrityError:
            with self._tx() as s:
                done = s.scalar(select(Comparison).where(Comparison.request_id == request_id))
                if done is not None:
                    return done.id
            raise InputRejected("You have already compared these two responses.") from None

    # -- reading ratings back ---------------------------------------------------------------------------
    def rating_rows(self) -> list[dict[str, Any]]:
        """Every rating with its item, response and rater (flat rows for exports and statistics)."""
        with self._tx() as s:
            q = (select(Rating, Response, RatingItem, User).join(Response, Rating.response_id == Response.id)
                 .join(RatingItem, Rating.item_id == RatingItem.id).join(User, Rating.rater_id == User.id)
                 .order_by(Rating.id))
            rows = []
            for r, resp, item, user in s.execute(q):
                scores = {d: getattr(r, d) for d in DIMENSIONS}
                rows.append({"rating_id": r.id, "item_id": item.id, "origin": item.origin,
                             "external_id": item.external_id, "set_name": item.set_name, "lang": item.lang,
                             "response_id": resp.id, "model": resp.model, "rater": user.username.split("#")[0],
                             **scores, "mean": sum(scores.values()) / len(scores), "harmful": r.harmful,
                             "comment": r.comment, "created_at": r.created_at.isoformat(),
                             "context": list(item.context), "response": resp.text, "request_id": r.request_id})
            return rows

    def comparison_rows(self) -> list[dict[str, Any]]:
        with self._tx() as s:
            q = (select(Comparison, RatingItem, User).join(RatingItem, Comparison.item_id == RatingItem.id)
                 .join(User, Comparison.rater_id == User.id).order_by(Comparison.id))
            rows = []
            for c, item, user in s.execute(q):
                left, right = s.get(Response, c.left_id), s.get(Response, c.right_id)
                rows.append({"comparison_id": c.id, "item_id": item.id, "origin": item.origin,
                             "external_id": item.external_id, "set_name": item.set_name, "lang": item.lang,
                             "left_id": c.left_id, "right_id": c.right_id, "left_model": left.model,  # type: ignore[union-attr]
                             "right_model": right.model, "choice": c.choice,  # type: ignore[union-attr]
                             "rater": user.username.split("#")[0], "comment": c.comment,
                             "created_at": c.created_at.isoformat(), "context": list(item.context),
                             "left": left.text, "right": right.text, "request_id": c.request_id})  # type: ignore[union-attr]
            return rows


# ---------------------------------------------------------------------------------------------------
# Internals


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: readers never block the writer. synchronous=FULL: a committed rating survives even a
            # power cut, not only a killed process (ratings are rare, the fsync is cheap).
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


_HASHER = None


def _hasher() -> Any:
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher

        _HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults
    return _HASHER


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise InputRejected(f"Passwords need at least {MIN_PASSWORD_CHARS} characters.")


def _user_info(user: User) -> UserInfo:
    return UserInfo(id=user.id, username=user.username, role=user.role, created_at=user.created_at)


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)) or type(exc).__name__
    return text.splitlines()[0][:200]


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line[:60] + ("…" if len(line) > 60 else "")


def _clean_messages(messages: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    # Empty messages (a reply stopped before its first token) are dropped, as the engine drops them
    # from what the model sees; DPO trainers refuse empty turns.
    return [{"role": str(m["role"]), "content": str(m["content"])} for m in messages
            if m.get("role") in ("system", "user", "assistant") and str(m.get("content", "")).strip()]


def _context_hash(messages: Sequence[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:20]


def _pair_key(a: int, b: int) -> str:
    lo, hi = sorted((a, b))
    return f"{lo}-{hi}"


def _safety_action(stage: str, data: dict[str, Any] | None) -> str | None:
    """The action worth an audit event, or None when the layer simply allowed the turn."""
    if not data:
        return None
    if stage == "input":
        action = str(data.get("action", "allow"))
        if action != "allow" or data.get("failed"):
            return action
        return None
    if not data.get("ok", True) or data.get("failed"):
        return "replaced"
    return None


def _validate_scores(scores: dict[str, Any]) -> dict[str, int]:
    clean: dict[str, int] = {}
    missing = []
    for d in DIMENSIONS:
        value = scores.get(d)
        if value in (None, ""):
            missing.append(d)
            continue
        try:
            number = int(str(value).strip().split()[0])
        except (ValueError, IndexError):
            raise InputRejected(f"The score for {d} must be a number from 1 to 5, not {value!r}.") from None
        if not 1 <= number <= 5:
            raise InputRejected(f"The score for {d} must be from 1 to 5, not {number}.")
        clean[d] = number
    if missing:
        raise InputRejected("Please score every dimension (1-5). Missing: " + ", ".join(missing) + ".")
    return clean


def _clean_comment(comment: str | None, limit: int = MAX_COMMENT_CHARS) -> str:
    text = "".join(ch for ch in (comment or "") if ch in "\n\t" or ch.isprintable()).strip()
    if len(text) > limit:
        raise InputRejected(f"The comment is {len(text)} characters long; the limit is {limit}. Please shorten it.")
    return text


def _turn_view(t: Turn) -> TurnView:
    return TurnView(turn_id=t.id, position=t.position, user_text=t.user_text, reply=t.reply, model=t.model,
                    status=t.status, lang=t.lang,
                    sources=[SourceView(title=x.title, text=x.text, score=x.score, doc_id=x.doc_id, chunk_id=x.chunk_id,
                                        source=x.source) for x in t.sources],
                    safety=[{"stage": e.stage, "action": e.action, "level": e.level, "categories": e.categories,
                             "failed": e.failed} for e in t.safety_events],
                    superseded_by=t.superseded_by, created_at=t.created_at, error=t.error,
                    resources=str((t.input_verdict or {}).get("resources") or ""))
