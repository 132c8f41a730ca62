"""Template globals and filters shared by every page."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .content.items import KIND_LABELS, QUESTION_TYPES
from .models import Role
from .models.base import as_utc


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC in the database, Beijing time (or DISPLAY_TIMEZONE) on the page."""
    if value is None:
        return ""
    return as_utc(value).astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).strftime(fmt)


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS, Role=Role, QUESTION_TYPES=QUESTION_TYPES, SITE_NAME="客服管理师备考")
