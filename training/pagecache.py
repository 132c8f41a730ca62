"""A per-worker cache of whole study pages as guests see them.

Study pages change only when content is loaded, and a load bumps
ContentState.version. Each worker remembers the version its pages were
rendered at and re-reads it at most every PAGE_CACHE_CHECK_SECONDS, so a
reload reaches every worker and host within that interval (at once in the
worker that did the load). Nothing here is needed by another worker: a cold
cache only costs a render. Logged-in users, and anyone with a pending flash
message, always get a fresh render, because their pages carry personal parts.

While the database is unreachable, a page already in the cache is served as it
was (stale, marked with an X-Served-Stale header) instead of an error: guests
can go on reading what they were reading.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from functools import wraps
from typing import Callable

from flask import Flask, current_app, request, session
from flask_login import current_user

from .errors import database_unavailable
from .extensions import db
from .models import ContentState


class PageCache:
    def __init__(self, max_entries: int, check_seconds: float):
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self.pages: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self.version: int | None = None
        self.checked_at = 0.0

    def current_version(self) -> int:
        now = time.monotonic()
        if self.version is None or now - self.checked_at >= self.check_seconds:
            version = db.session.execute(db.select(ContentState.version).where(ContentState.id == 1)).scalar() or 0
            if version != self.version:
                self.pages.clear()
                self.version = version
            self.checked_at = now
        return self.version

    def get(self, key: str) -> tuple[bytes, str] | None:
        self.current_version()
        return self.peek(key)

    def peek(self, key: str) -> tuple[bytes, str] | None:
        """The cached page whatever the content version (used when the version cannot be read)."""
        hit = self.pages.get(key)
        if hit is not None:
            self.pages.move_to_end(key)
        return hit

    def put(self, key: str, body: bytes, mimetype: str) -> None:
        self.pages[key] = (body, mimetype)
        if len(self.pages) > self.max_entries:
            self.pages.popitem(last=False)

    def clear(self) -> None:
        self.pages.clear()
        self.version = None


def page_cache() -> PageCache | None:
    return current_app.extensions.get("page_cache")


def cached_for_guests(view: Callable) -> Callable:
    """Serve a guest the page another guest already got, while content is unchanged."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = page_cache()
        if cache is None or current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        key = request.full_path
        try:
            hit = cache.get(key)
        except Exception as exc:  # noqa: BLE001
            stale = cache.peek(key) if database_unavailable(exc) else None
            if stale is None:
                raise
            try:
                db.session.rollback()
            except Exception:  # noqa: BLE001  (the connection is gone)
                pass
            response = current_app.response_class(stale[0], mimetype=stale[1])
            response.headers["X-Served-Stale"] = "1"
            return response
        if hit is not None:
            return current_app.response_class(hit[0], mimetype=hit[1])
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.headers.getlist("Set-Cookie"):
            cache.put(key, response.get_data(), response.mimetype)
        return response
    return wrapper


def init_page_cache(app: Flask) -> None:
    if app.config["PAGE_CACHE_ENTRIES"] > 0:
        app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_CHECK_SECONDS"])
