"""Writes that must happen at most once, with the database as the judge.

insert_once() tries the INSERT inside a savepoint; when a unique constraint says the
row is already there (a double click, a retry, twenty phones at once), it hands back
the row that won instead of failing. Views never turn such a race into a 500.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Response

T = TypeVar("T")


def insert_once(session: Session, row: T, find_existing: Callable[[], T | None]) -> tuple[T, bool]:
    """(the row, True) if this call inserted it; (the existing row, False) if it was already there."""
    existing = find_existing()
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = find_existing()
        if winner is None:  # a different constraint failed: a real error
            raise
        return winner, False
    return row, True


def claim(session: Session, statement: Any) -> bool:
    """Run a guarded UPDATE (… WHERE state is still the old one); True if this call changed it.

    Used where exactly one of several concurrent requests may go on (hand-in, next position).
    """
    return session.execute(statement).rowcount == 1


def paper_points(session: Session, attempt_id: int) -> float:
    """A mock exam's marks: the sum of the points its answers earned, to one decimal."""
    earned = session.execute(select(func.sum(Response.points)).where(Response.exam_attempt_id == attempt_id)).scalar()
    return round(earned or 0.0, 1)
