"""Template globals and filters shared by every page."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .content.items import KIND_LABELS, QUESTION_TYPES
from .models import Role


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC in the database, Beijing time (or DISPLAY_TIMEZONE) on the page."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes that were stored as UTC
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).strftime(fmt)


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS, Role=Role, QUESTION_TYPES=QUESTION_TYPES, SITE_NAME="客服管理师备考")
