"""Column and time helpers shared by the model modules and the views."""
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


UTCDateTime = DateTime(timezone=True)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes that were stored as UTC; PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def display_tz() -> tzinfo:
    """The learners' time zone (DISPLAY_TIMEZONE): for showing times and for what counts as a day."""
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
