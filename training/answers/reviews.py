"""Keep each learner's FSRS cards in step with their graded answers (the rules are in progress/review.py)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ReviewCard, Response
from ..models.base import as_utc, utcnow
from ..progress.review import rating_for, review
from .store import insert_once


def record_review(session: Session, row: Response, qtype: str, exam: bool = False) -> None:
    """One graded answer is one review of the question's card: at most once per answer, in time order."""
    if row.score is None or row.answered_at is None or row.question_id is None:
        return
    rating = rating_for(row.correct, qtype, None if exam else row.time_ms)
    at = as_utc(row.answered_at)

    def find() -> ReviewCard | None:
        return session.execute(select(ReviewCard).where(
            ReviewCard.user_id == row.user_id, ReviewCard.question_id == row.question_id).with_for_update()).scalar()

    card = find()
    if card is None:
        data, due = review(None, rating, at)
        card, created = insert_once(session, ReviewCard(
            user_id=row.user_id, question_id=row.question_id, card=data, due_at=due, reviews=1,
            last_rating=int(rating), last_response_id=row.id), find)
        if created:
            return
    if card.last_response_id == row.id:
        return
    last = card.card.get("last_review")
    if last and datetime.fromisoformat(last) > at:  # an older answer arriving late changes nothing
        return
    data, due = review(card.card, rating, at)
    card.card, card.due_at, card.reviews = data, due, card.reviews + 1
    card.last_rating, card.last_response_id = int(rating), row.id


def day_ends(tz: tzinfo, days: int) -> list[datetime]:
    """The ends of today and of the following days in the learner's time zone, as UTC instants."""
    today = utcnow().astimezone(tz).date()
    return [datetime.combine(today + timedelta(days=n + 1), time.min, tz).astimezone(timezone.utc) for n in range(days)]


def review_counts(session: Session, user_id: int, tz: tzinfo) -> dict[str, int]:
    """今日复习: due by the end of today, during tomorrow, and how many questions have a card."""
    end_today, end_tomorrow = day_ends(tz, 2)
    due = [as_utc(d) for d in session.execute(select(ReviewCard.due_at).where(
        ReviewCard.user_id == user_id, ReviewCard.due_at <= end_tomorrow)).scalars()]
    cards = session.execute(select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user_id)).scalar_one()
    return {"today": sum(d <= end_today for d in due),
            "tomorrow": sum(end_today < d <= end_tomorrow for d in due), "cards": cards}
