"""课堂互动, the database side: create a session, join, answer, move through the phases.

Every rule that must hold under many workers is the database's: one answer per player and question
(uq_responses_live), one nickname per room, one open session per code, a phase change happens once
(a guarded UPDATE on state_version), and an answer is taken only while its question is open (the
answer reads the session row FOR SHARE, so it is ordered before or after a phase change, never across).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..answers.reviews import record_review
from ..answers.store import claim
from ..grading.live import (
    EARLY, FINISHED, GRACE_SECONDS, LATE, LOBBY, MAX_POINTS, OPEN, QUESTION, REVEAL, elapsed_ms, free_nickname, new_code,
    points_for, window,
)
from ..grading.objective import InvalidResponse, check_response, grade
from ..models import LIVE, ItemVersion, LivePlayer, LiveSession, Response
from ..models.base import as_utc, utcnow


class LiveError(Exception):
    """A request the session cannot take now: status and a Chinese message for the phone or the page."""

    def __init__(self, status: int, message: str, reason: str = ""):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ------------------------------------------------------------------ creating


def create_session(session: Session, owner_id: int, title: str, question_ids: list[str], seconds: int,
                   mode: str, class_id: int | None = None) -> LiveSession:
    """A session in its lobby with a fresh code (another one if the code is in use by an open session)."""
    versions = dict(session.execute(select(ItemVersion.item_id, ItemVersion.id).where(
        ItemVersion.kind == "question", ItemVersion.id.in_(_current_versions(session, question_ids)))).all())
    for _ in range(20):
        live = LiveSession(owner_id=owner_id, title=title, code=new_code(), mode=mode, seconds=seconds,
                           question_ids=question_ids, version_ids=[versions[q] for q in question_ids],
                           class_id=class_id)
        try:
            with session.begin_nested():
                session.add(live)
            return live
        except IntegrityError:
            continue
    raise LiveError(503, "暂时分配不到空闲的课堂码，请稍后再试。")


def _current_versions(session: Session, question_ids: list[str]):
    from ..models import Question
    return select(Question.version_id).where(Question.id.in_(question_ids))


# ------------------------------------------------------------------ joining


@dataclass
class Joined:
    player: LivePlayer
    token: str
    rejoined: bool


def open_session_by_code(session: Session, code: str) -> LiveSession:
    """The session a phone may join with this code; LiveError with the reason otherwise."""
    live = session.execute(select(LiveSession).where(LiveSession.code == code, LiveSession.finished_at.is_(None))).scalar()
    if live is not None:
        return live
    ended = session.execute(select(LiveSession.id).where(LiveSession.code == code).limit(1)).scalar()
    if ended is not None:
        raise LiveError(410, "这个课堂已经结束了。如果老师开了新的课堂，请输入新的课堂码。", "finished")
    raise LiveError(404, "没有找到这个课堂码，请核对老师屏幕上的 6 位数字。", "unknown")


def player_by_token(session: Session, live: LiveSession, token: str | None) -> LivePlayer | None:
    if not token:
        return None
    return session.execute(select(LivePlayer).where(LivePlayer.token_hash == token_hash(token),
                                                    LivePlayer.session_id == live.id)).scalar()


def join(session: Session, live: LiveSession, nickname: str, user_id: int | None, token: str | None) -> Joined:
    """Join a room, or rejoin as the same player: by the token the phone kept, or (signed in) by account.

    A new nickname that someone in the room already has gets a suffix ("小明 2").
    """
    known = player_by_token(session, live, token)
    if known is not None:
        if known.removed_at is not None:
            raise LiveError(403, "你已被老师移出这个课堂。", "removed")
        return Joined(known, token, True)  # type: ignore[arg-type]
    if user_id is not None:
        mine = session.execute(select(LivePlayer).where(LivePlayer.session_id == live.id,
                                                        LivePlayer.user_id == user_id)).scalar()
        if mine is not None:  # the same account on another phone or browser: that player, with a new token
            if mine.removed_at is not None:
                raise LiveError(403, "你已被老师移出这个课堂。", "removed")
            fresh = secrets.token_urlsafe(24)
            mine.token_hash = token_hash(fresh)
            # a new version: every worker rebuilds its state and learns that the old token is gone
            session.execute(update(LiveSession).where(LiveSession.id == live.id)
                            .values(state_version=LiveSession.state_version + 1))
            return Joined(mine, fresh, True)
    if live.finished_at is not None:
        raise LiveError(410, "这个课堂已经结束了。", "finished")
    if live.locked:
        raise LiveError(403, "老师已锁定课堂，现在不能加入。", "locked")
    for _ in range(10):
        taken = session.execute(select(LivePlayer.nickname).where(
            LivePlayer.session_id == live.id, LivePlayer.nickname.startswith(nickname, autoescape=True))).scalars()
        fresh = secrets.token_urlsafe(24)
        player = LivePlayer(session_id=live.id, user_id=user_id, nickname=free_nickname(nickname, taken),
                            token_hash=token_hash(fresh))
        try:
            with session.begin_nested():
                session.add(player)
            return Joined(player, fresh, False)
        except IntegrityError:
            if user_id is not None:  # the same account joined at the same moment elsewhere: that one wins
                return join(session, live, nickname, user_id, None)
            continue  # someone took that nickname a moment ago: pick the next suffix
    raise LiveError(409, "这个昵称的人太多了，请换一个昵称。", "nickname")


# ------------------------------------------------------------------ answering


@dataclass
class Answered:
    row: Response
    first: bool  # False: the player had already answered; this is the first answer, unchanged


def locked_state(session: Session, live_id: int) -> Any:
    """The session's phase and timing, read FOR SHARE: a phase change waits for this answer to commit."""
    return session.execute(select(LiveSession.phase, LiveSession.position, LiveSession.opens_at,
                                  LiveSession.deadline_at, LiveSession.seconds, LiveSession.mode,
                                  LiveSession.version_ids, LiveSession.question_ids)
                           .where(LiveSession.id == live_id).with_for_update(read=True)).one()


def answer(session: Session, live_id: int, player: tuple[int, int | None], slot: int, response: Any,
           version_payload, now: datetime | None = None) -> Answered:
    """Store a player's answer to question `slot` at most once, if that question is open now.

    player is (player id, user id or None); version_payload(version_id) gives the QuestionPayload.
    The common case is three statements (lock the session row, insert, commit): the answer that is
    already there is looked up only when the insert hits uq_responses_live or the question is closed.
    The transaction holds nothing else, so a failed insert rolls it back whole (no savepoint needed).
    A signed-in player's new answer also reviews their FSRS card for the question (time not rated).
    """
    player_id, user_id = player

    def first_answer() -> Response | None:
        return session.execute(select(Response).where(Response.live_player_id == player_id,
                                                      Response.slot == slot)).scalar()
    state = locked_state(session, live_id)
    now = now or utcnow()
    where = (window(now, as_utc(state.opens_at), as_utc(state.deadline_at))
             if state.phase == QUESTION and state.position == slot else None)
    if where != OPEN:
        existing = first_answer()  # a repeat after the question closed still gets the first answer
        if existing is not None:
            return Answered(existing, False)
        if state.phase == LOBBY or slot > state.position or where == EARLY:
            message = "这道题还没有开始，请等老师出题。" if where != EARLY else "还没到作答时间，请看到选项后再作答。"
            raise LiveError(409, message, "not_open")
        if where == LATE:
            raise LiveError(409, f"作答时间已到（以服务器时间为准，截止后 {GRACE_SECONDS:g} 秒内仍算有效），"
                                 "这次作答没有计入。", "late")
        raise LiveError(409, "这道题已经结束，答案没有计入。", "closed")
    version_id = state.version_ids[slot]
    q = version_payload(version_id)
    try:
        checked = check_response(q, response)
    except InvalidResponse as exc:
        existing = first_answer()
        if existing is not None:
            return Answered(existing, False)
        raise LiveError(400, str(exc), "invalid") from exc
    result = grade(q, checked, exam=True)
    limit = state.seconds * 1000
    took = elapsed_ms(now, as_utc(state.opens_at), limit)
    row = Response(user_id=user_id, context=LIVE, live_session_id=live_id, live_player_id=player_id, slot=slot,
                   question_id=state.question_ids[slot], version_id=version_id, answer=checked,
                   presented=None, score=result.score,
                   points=points_for(result.correct, took, limit, state.mode), points_possible=MAX_POINTS,
                   time_ms=took, answered_at=now, graded_at=now)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = first_answer()
        if existing is None:  # a different constraint failed: a real error
            raise
        return Answered(existing, False)
    if user_id is not None:  # a signed-in candidate's answer is one review of their card, as in a mock exam
        record_review(session, row, q.qtype, exam=True)
    return Answered(row, True)


# ------------------------------------------------------------------ the instructor's controls


def _bump(session: Session, live: LiveSession, **values) -> bool:
    """Apply a phase change once: only if nobody changed the session since the page was drawn."""
    done = claim(session, update(LiveSession).where(LiveSession.id == live.id,
                                                   LiveSession.state_version == live.state_version)
                 .values(state_version=live.state_version + 1, **values))
    if done:
        session.refresh(live)
    return done


def open_question(session: Session, live: LiveSession, position: int, lead_seconds: float,
                  now: datetime | None = None) -> bool:
    now = now or utcnow()
    opens = now + timedelta(seconds=lead_seconds)
    return _bump(session, live, phase=QUESTION, position=position, opens_at=opens,
                 deadline_at=opens + timedelta(seconds=live.seconds))


def advance(session: Session, live: LiveSession, action: str, lead_seconds: float) -> bool:
    """start / reveal / next / finish / lock / unlock; False if the session had already moved on
    (a double click, a second projector) or the action does not fit the phase."""
    if action == "start" and live.phase == LOBBY:
        return open_question(session, live, 0, lead_seconds)
    if action == "reveal" and live.phase == QUESTION:
        return _bump(session, live, phase=REVEAL)
    if action == "next" and live.phase == REVEAL:
        if live.position + 1 < len(live.question_ids):
            return open_question(session, live, live.position + 1, lead_seconds)
        return _bump(session, live, phase=FINISHED, finished_at=utcnow())
    if action == "finish" and live.phase != FINISHED:
        return _bump(session, live, phase=FINISHED, finished_at=utcnow())
    if action in ("lock", "unlock") and live.phase != FINISHED:
        return _bump(session, live, locked=action == "lock")
    return False


def remove_player(session: Session, live: LiveSession, player_id: int) -> bool:
    player = session.get(LivePlayer, player_id)
    if player is None or player.session_id != live.id or player.removed_at is not None:
        return False
    player.removed_at = utcnow()
    session.execute(update(LiveSession).where(LiveSession.id == live.id)
                    .values(state_version=LiveSession.state_version + 1))
    return True


def answered_count(session: Session, live_id: int, slot: int) -> int:
    return session.execute(select(func.count()).select_from(Response).join(
        LivePlayer, LivePlayer.id == Response.live_player_id).where(
        Response.live_session_id == live_id, Response.slot == slot, LivePlayer.removed_at.is_(None))).scalar_one()
