"""What phones and the projector are told about a session, and a per-worker cache of it.

A poll costs one small query (the session's state_version, skipped when this worker read it less
than LIVE_VERSION_TTL seconds ago) and no template: when the phone's ETag names the current version
the answer is 304. Everything shared by the phones of one version (the question, the chart, the
ranking) is built once per worker and version; only "me" is per phone. Nothing here is needed by
another worker, so a cold cache only costs a rebuild.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from limits import parse as parse_limit
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..content.payloads import QuestionPayload
from ..grading.display import ShownQuestion
from ..grading.live import (
    FINISHED, GRACE_SECONDS, MODE_RULES, QUESTION, REVEAL, Standing, Tally, chosen_keys, question_stats, rank,
    right_keys,
)
from ..models import ItemVersion, LivePlayer, LiveSession, Response
from ..models.base import as_utc

TOP = 5


@dataclass
class Snapshot:
    """One version of one session, as every phone sees it."""

    session_id: int
    version: int
    phase: str
    title: str
    total: int
    position: int
    mode: str
    seconds: int
    locked: bool
    opens_at: datetime | None
    deadline_at: datetime | None
    question: dict[str, Any] | None = None
    reveal: dict[str, Any] | None = None
    removed: frozenset[int] = frozenset()
    # Signed-in players' current token hashes: joining again on another device gives the account's player a
    # new token (and a new version), so a worker that cached the old token refuses it from then on.
    account_tokens: dict[int, str] = field(default_factory=dict)
    standings: dict[int, Standing] = field(default_factory=dict)
    top: list[dict[str, Any]] = field(default_factory=list)
    results: dict[int, tuple[Any, float, int]] = field(default_factory=dict)  # player → (answer, score, points) at reveal
    question_id: str | None = None  # the current question and its version (fixed when the session was made)
    version_id: int | None = None
    _shared: bytes | None = None

    @property
    def etag(self) -> str:
        return f"L{self.session_id}-{self.version}"

    @property
    def shared_json(self) -> bytes:
        """The part of every phone's answer that is the same for the whole room, encoded once."""
        if self._shared is None:
            out: dict[str, Any] = {"v": self.etag, "phase": self.phase, "title": self.title, "total": self.total,
                                   "position": self.position, "mode": self.mode, "rule": MODE_RULES[self.mode],
                                   "locked": self.locked}
            if self.question is not None:
                out["question"] = dict(self.question, seconds=self.seconds)
            if self.reveal is not None:
                out["reveal"] = self.reveal
            if self.top:
                out["top"] = self.top
            self._shared = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
        return self._shared

    def refuses(self, player_id: int, hashed: str) -> bool:
        """A player taken out of the room, or an account's token replaced by a newer device's."""
        current = self.account_tokens.get(player_id)
        return player_id in self.removed or (current is not None and current != hashed)

    def opened(self, now: datetime) -> bool:
        """Could anyone have answered the current question yet?"""
        return self.phase == QUESTION and self.opens_at is not None and now >= self.opens_at


def shown(payload: QuestionPayload, session_id: int, slot: int) -> ShownQuestion:
    """One option order for the whole room (the projector's letters are the phones' letters)."""
    return ShownQuestion.shuffled(payload, f"live-{session_id}-{slot}")


def question_view(sq: ShownQuestion, slot: int) -> dict[str, Any]:
    q = sq.q
    if q.qtype == "判断":
        options = [{"key": "true", "letter": "√", "text": "对"}, {"key": "false", "letter": "×", "text": "错"}]
    else:
        options = [{"key": c.key, "letter": sq.letter(c.key), "text": c.text} for c in sq.parts]
    return {"slot": slot, "number": slot + 1, "qtype": q.qtype, "stem_html": sq.stem_html, "options": options}


def tallies(session: Session, session_id: int) -> list[Tally]:
    """Every player still in the room with their totals so far, straight from the answers stored."""
    right = case((Response.score >= 1.0 - 1e-9, 1), else_=0)
    rows = session.execute(
        select(LivePlayer.id, LivePlayer.nickname, func.coalesce(func.sum(Response.points), 0), func.sum(right),
               func.count(Response.id), func.coalesce(func.sum(case((Response.score >= 1.0 - 1e-9, Response.time_ms),
                                                                     else_=0)), 0))
        .outerjoin(Response, Response.live_player_id == LivePlayer.id)
        .where(LivePlayer.session_id == session_id, LivePlayer.removed_at.is_(None))
        .group_by(LivePlayer.id, LivePlayer.nickname)).all()
    return [Tally(pid, nick, int(points or 0), int(correct or 0), int(n or 0), int(t or 0))
            for pid, nick, points, correct, n, t in rows]


def build(session: Session, live: LiveSession) -> Snapshot:
    snap = Snapshot(live.id, live.state_version, live.phase, live.title, len(live.question_ids), live.position,
                    live.mode, live.seconds, live.locked, live.opens_at and as_utc(live.opens_at),
                    live.deadline_at and as_utc(live.deadline_at))
    snap.removed = frozenset(session.execute(select(LivePlayer.id).where(
        LivePlayer.session_id == live.id, LivePlayer.removed_at.is_not(None))).scalars())
    snap.account_tokens = dict(session.execute(select(LivePlayer.id, LivePlayer.token_hash).where(
        LivePlayer.session_id == live.id, LivePlayer.user_id.is_not(None))).all())
    if live.phase in (QUESTION, REVEAL):
        snap.question_id, snap.version_id = live.question_ids[live.position], live.version_ids[live.position]
        sq = shown(cache().payload(session, snap.version_id), live.id, live.position)
        snap.question = question_view(sq, live.position)
        if live.phase == REVEAL:
            rows = session.execute(select(Response.live_player_id, Response.answer, Response.score, Response.points)
                                   .where(Response.live_session_id == live.id, Response.slot == live.position)).all()
            rows = [r for r in rows if r[0] not in snap.removed]
            snap.results = {pid: (a, s, p) for pid, a, s, p in rows}
            q = sq.q
            stats = question_stats(q.qtype, q.keys("options"), q.answer, ((a, s >= 1.0 - 1e-9) for _, a, s, _ in rows))
            snap.reveal = {"right": sorted(right_keys(q.qtype, q.answer)), "counts": stats.counts,
                           "answered": stats.answered, "correct": stats.correct,
                           "explanation_html": sq.explanation_html}
    if live.phase in (REVEAL, FINISHED):
        standings = rank(tallies(session, live.id))
        snap.standings = {s.tally.player_id: s for s in standings}
        snap.top = [{"rank": s.rank, "nickname": s.tally.nickname, "points": s.tally.points}
                    for s in standings[:TOP]]
    return snap


class SnapshotCache:
    """Per worker: the latest snapshot of each session, and when its version was last read."""

    def __init__(self) -> None:
        self.snapshots: dict[int, Snapshot] = {}
        self.checked: dict[int, tuple[float, int]] = {}  # session id → (monotonic time, version read)
        self.players: dict[str, tuple[int, int, int | None, str]] = {}  # token hash → (player, session, user, nick)
        self.payloads: dict[int, QuestionPayload] = {}  # item versions never change: kept for good
        self.polls: dict[str, list[float]] = {}  # token (or "answer:" + token) → [window start, count in it]
        self.limits: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def payload(self, session: Session, version_id: int) -> QuestionPayload:
        found = self.payloads.get(version_id)
        if found is None:
            found = self.payloads[version_id] = session.get(ItemVersion, version_id).question
        return found

    def poll_limit(self, text: str) -> tuple[int, float]:
        """("240 per minute" →) (240, 60.0), parsed once per text."""
        found = self.limits.get(text)
        if found is None:
            item = parse_limit(text)
            found = self.limits[text] = (item.amount, float(item.get_expiry()))
        return found

    def may_poll(self, key: str, amount: int, seconds: float) -> bool:
        """A fixed-window count per phone, in this worker: Flask-Limiter costs as much as a 304 itself
        (and its memory store starts a timer thread per new key).
        (Two threads may both count one poll of the same phone: the limit is approximate, never lax by much.)"""
        now = time.monotonic()
        window = self.polls.get(key)
        if window is None or now - window[0] >= seconds:
            if len(self.polls) > 50000:
                self.polls.clear()
            self.polls[key] = [now, 1]
            return True
        window[1] += 1
        return window[1] <= amount

    def version(self, session: Session, session_id: int, ttl: float) -> int | None:
        now = time.monotonic()
        seen = self.checked.get(session_id)
        if seen is not None and now - seen[0] < ttl:
            return seen[1]
        version = session.execute(select(LiveSession.state_version).where(LiveSession.id == session_id)).scalar()
        if version is not None:
            self.checked[session_id] = (now, version)
        return version

    def snapshot(self, session: Session, session_id: int, ttl: float) -> Snapshot | None:
        version = self.version(session, session_id, ttl)
        if version is None:
            return None
        snap = self.snapshots.get(session_id)
        if snap is not None and snap.version == version:
            return snap
        with self.lock:  # one thread builds; the others of this worker wait for it rather than all build
            snap = self.snapshots.get(session_id)
            if snap is not None and snap.version >= version:
                return snap
            live = session.get(LiveSession, session_id, populate_existing=True)
            snap = build(session, live)
            self.snapshots[session_id] = snap
            self.checked[session_id] = (time.monotonic(), snap.version)
            if len(self.snapshots) > 200:  # finished sessions are not asked for again
                self.snapshots.pop(next(iter(self.snapshots)))
            if len(self.players) > 50000:
                self.players.clear()
            return snap

    def forget(self, session_id: int) -> None:
        """After this worker changed the session: the next poll here reads it at once."""
        self.checked.pop(session_id, None)


def cache() -> SnapshotCache:
    found = current_app.extensions.get("live_cache")
    if found is None:
        found = current_app.extensions["live_cache"] = SnapshotCache()
    return found


def ms_until(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else int((moment - now).total_seconds() * 1000)


def phone_body(snap: Snapshot, me: dict[str, Any], now: datetime) -> bytes:
    """The JSON a phone gets: "clock" (the question's times relative to the server's now, so a phone's
    own clock does not matter), "me", then the room's shared part as encoded once for this version."""
    clock = {"opens_in_ms": ms_until(snap.opens_at, now), "closes_in_ms": ms_until(snap.deadline_at, now),
             "grace_ms": int(GRACE_SECONDS * 1000)} if snap.phase == QUESTION else None
    head = json.dumps({"clock": clock, "me": me}, ensure_ascii=False, separators=(",", ":")).encode()
    return head[:-1] + b"," + snap.shared_json[1:]


def my_part(snap: Snapshot, player_id: int, nickname: str, answered: Any = None) -> dict[str, Any]:
    """What only this phone sees: its answer and result for the question, total, rank."""
    me: dict[str, Any] = {"id": player_id, "nickname": nickname, "players": len(snap.standings) or None}
    if snap.phase == QUESTION:
        me["answered"] = answered is not None
        me["answer"] = answered
    if snap.phase == REVEAL and snap.question is not None:
        mine = snap.results.get(player_id)
        qtype = snap.question["qtype"]
        me["answered"] = mine is not None
        me["answer"] = None if mine is None else chosen_keys(qtype, mine[0])
        me["correct"] = None if mine is None else mine[1] >= 1.0 - 1e-9
        me["points"] = 0 if mine is None else mine[2]
    standing = snap.standings.get(player_id)
    if standing is not None:
        me["rank"], me["total"] = standing.rank, standing.tally.points
        me["correct_count"] = standing.tally.correct
    return me


