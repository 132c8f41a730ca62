"""Column helpers shared by the model modules."""
from datetime import datetime, timezone

from sqlalchemy import DateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


UTCDateTime = DateTime(timezone=True)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes that were stored as UTC; PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
