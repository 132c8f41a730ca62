"""Keep each learner's FSRS cards in step with their graded answers (the rules are in progress/review.py).

Objective questions have one card per learner and question (ReviewCard); written and 答辩 cases one
card per learner, case and key point (PointCard), rated when the candidate confirms the points."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta, timezone, tzinfo
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from ..models import Case, PointCard, ReviewCard, Response, User
from ..models.base import as_utc, utcnow
from ..progress.review import DESIRED_RETENTION, point_rating, rating_for, retarget, review
from .store import insert_once


def retention_of(session: Session, user_id: int) -> float:
    """The learner's desired retention (the signed-in user is already in the session: no query)."""
    user = session.get(User, user_id)
    return user.desired_retention if user is not None and user.desired_retention else DESIRED_RETENTION


def _apply_review(session: Session, find, make, response_id: int, rating, at: datetime, retention: float,
                  rerate: bool) -> None:
    """One answer as one review of a card: `find()` locks the card (or gives None), `make(card, due)` builds a
    new one rated once. An answer already reviewed counts once; with `rerate` (a corrected verdict) it is rated
    again from the card as it was before it. An older answer arriving late changes nothing."""
    card = find()
    if card is None:
        data, due = review(None, rating, at, retention)
        card, created = insert_once(session, make(data, due), find)
        if created:
            return
    if card.last_response_id == response_id:
        if rerate:
            data, due = review(card.card_before, rating, at, retention)
            card.card, card.due_at, card.last_rating = data, due, int(rating)
        return
    last = card.card.get("last_review")
    if last and datetime.fromisoformat(last) > at:
        return
    data, due = review(card.card, rating, at, retention)
    if rerate:
        card.card_before = card.card
    card.card, card.due_at, card.reviews = data, due, card.reviews + 1
    card.last_rating, card.last_response_id = int(rating), response_id


def record_review(session: Session, row: Response, qtype: str, exam: bool = False) -> None:
    """One graded answer is one review of the question's card: at most once per answer, in time order."""
    if row.score is None or row.answered_at is None or row.question_id is None:
        return
    rating = rating_for(row.correct, qtype, None if exam else row.time_ms)

    def find() -> ReviewCard | None:
        return session.execute(select(ReviewCard).where(
            ReviewCard.user_id == row.user_id, ReviewCard.question_id == row.question_id).with_for_update()).scalar()

    def make(data, due) -> ReviewCard:
        return ReviewCard(user_id=row.user_id, question_id=row.question_id, card=data, due_at=due, reviews=1,
                          last_rating=int(rating), last_response_id=row.id)

    _apply_review(session, find, make, row.id, rating, as_utc(row.answered_at), retention_of(session, row.user_id),
                  rerate=False)


def record_point_reviews(session: Session, row: Response, made: dict[str, bool]) -> None:
    """The candidate's verdict on each key point of a case answer is one review of that point's card.

    Confirming again (a corrected verdict) re-rates the same answer from the card as it was before it,
    so one answer is never two reviews; an older answer confirmed late changes nothing."""
    if row.case_id is None or row.answered_at is None:
        return
    at, retention = as_utc(row.answered_at), retention_of(session, row.user_id)
    for key, ok in made.items():
        rating = point_rating(ok)

        def find(key: str = key) -> PointCard | None:
            return session.execute(select(PointCard).where(
                PointCard.user_id == row.user_id, PointCard.case_id == row.case_id,
                PointCard.point_key == key).with_for_update()).scalar()

        def make(data, due, key: str = key, rating=rating) -> PointCard:
            return PointCard(user_id=row.user_id, case_id=row.case_id, point_key=key, card=data, card_before=None,
                             due_at=due, reviews=1, last_rating=int(rating), last_response_id=row.id)

        _apply_review(session, find, make, row.id, rating, at, retention, rerate=True)


def set_retention(session: Session, user: User, retention: float) -> int:
    """Change the learner's desired retention and reschedule every card in review for it; returns how many."""
    user.desired_retention = retention
    moved = 0
    for model in (ReviewCard, PointCard):
        for card in session.execute(select(model).where(model.user_id == user.id)).scalars():
            data, due = retarget(card.card, retention)
            if data is not card.card:
                card.card, card.due_at = data, due
                moved += 1
    return moved


def day_ends(tz: tzinfo, days: int) -> list[datetime]:
    """The ends of today and of the following days in the learner's time zone, as UTC instants."""
    today = utcnow().astimezone(tz).date()
    return [datetime.combine(today + timedelta(days=n + 1), time.min, tz).astimezone(timezone.utc) for n in range(days)]


@cache
def due_statement() -> Select:
    """SELECT of (questions due by the end of today, cases due by then, questions due during tomorrow, cases
    due during tomorrow) for :user_id, given :end_today and :end_tomorrow (day_ends). A case is due when
    its first point is, and counts once. Built once: a statement object memoizes its cache key, where one
    built per call is rebuilt and re-keyed by SQLAlchemy every time (half the home page's cost)."""
    user_id = bindparam("user_id")
    end_today = bindparam("end_today", type_=ReviewCard.due_at.type)
    end_tomorrow = bindparam("end_tomorrow", type_=ReviewCard.due_at.type)
    first_due = (select(func.min(PointCard.due_at).label("due")).where(
        PointCard.user_id == user_id, PointCard.due_at <= end_tomorrow).group_by(PointCard.case_id).subquery())

    def questions(*when):
        return select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user_id, *when).scalar_subquery()

    def cases(*when):
        return select(func.count()).select_from(first_due).where(*when).scalar_subquery()

    return select(questions(ReviewCard.due_at <= end_today), cases(first_due.c.due <= end_today),
                  questions(ReviewCard.due_at > end_today, ReviewCard.due_at <= end_tomorrow),
                  cases(first_due.c.due > end_today))


def due_parameters(user_id: int, tz: tzinfo) -> dict:
    end_today, end_tomorrow = day_ends(tz, 2)
    return {"user_id": user_id, "end_today": end_today, "end_tomorrow": end_tomorrow}


def review_counts(session: Session, user_id: int, tz: tzinfo) -> dict[str, int]:
    """今日复习: questions and cases due by the end of today and during tomorrow (a case is due when any
    of its points is), and how many questions and cases have cards."""
    q_today, c_today, q_tomorrow, c_tomorrow = session.execute(due_statement(), due_parameters(user_id, tz)).one()
    cards = session.execute(select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user_id)).scalar_one()
    cases = session.execute(select(func.count(func.distinct(PointCard.case_id))).where(
        PointCard.user_id == user_id)).scalar_one()
    return {"today": q_today + c_today, "tomorrow": q_tomorrow + c_tomorrow,
            "questions_today": q_today, "cases_today": c_today, "cards": cards, "cases": cases}


def due_cases(session: Session, user_id: int, tz: tzinfo) -> list[dict]:
    """The cases with a point due by the end of today: title, type, and the points to focus on
    (due ones, the last missed first), oldest due first."""
    end_today = day_ends(tz, 1)[0]
    rows = session.execute(
        select(PointCard.case_id, PointCard.point_key, PointCard.due_at, PointCard.last_rating)
        .where(PointCard.user_id == user_id, PointCard.due_at <= end_today)).all()
    if not rows:
        return []
    by_case: dict[str, list] = defaultdict(list)
    for r in rows:
        by_case[r.case_id].append(r)
    cases = {c.id: c for c in session.execute(select(Case).where(Case.id.in_(by_case))).scalars()}
    out = []
    for case_id, points in by_case.items():
        case = cases.get(case_id)
        if case is None or case.retired:
            continue
        labels = {p.key: p.label for p in case.payload.key_points}
        focus = sorted(points, key=lambda r: (r.last_rating != 1, as_utc(r.due_at)))
        out.append({"case": case, "due": min(as_utc(r.due_at) for r in points),
                    "points": [{"key": r.point_key, "label": labels.get(r.point_key, r.point_key),
                                "missed": r.last_rating == 1} for r in focus if r.point_key in labels]})
    return sorted(out, key=lambda c: c["due"])
