"""Column helpers shared by the model modules."""
from datetime import datetime, timezone

from sqlalchemy import DateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


UTCDateTime = DateTime(timezone=True)
