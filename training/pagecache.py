"""A per-worker cache of whole study pages, shared by guests and signed-in users alike.

Study pages change only when content is loaded, and a load bumps
ContentState.version. Each worker remembers the version its pages were
rendered at and re-reads it at most every PAGE_CACHE_CHECK_SECONDS, so a
reload reaches every worker and host within that interval (at once in the
worker that did the load). Nothing here is needed by another worker: a cold
cache only costs a render.

What is cached is the content only. Everything personal on a page (the account
links with the user's name, the logout form's CSRF token, flash messages, the
home page's due counts) is a *slot*: a template calls `slot("usernav")`, which
while a cached view renders writes a marker instead of the value. The markers
carry a random per-process nonce, so content text can never forge one. Every
response, hit or miss, is then filled by running each slot's renderer for the
request being answered: the cached bytes never hold one user's data, and what
a user sees in a slot is computed for that user in that request.

While the database is unreachable, a page already in the cache is served as it
was (stale, marked with an X-Served-Stale header) instead of an error: guests
can go on reading what they were reading.
"""
from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, wraps
from typing import Callable

from flask import Flask, current_app, has_request_context, request
from markupsafe import Markup
from sqlalchemy import select

from .dbconn import read_only as mark_read_only
from .dbconn import read_row
from .errors import database_unavailable
from .extensions import db
from .models import ContentState


@cache
def _version_statement():
    return select(ContentState.version).where(ContentState.id == 1)


SLOT_MODE = "training.page_slots"  # request.environ key: set while a cached view renders its content
SLOTS: dict[str, Callable[[], str]] = {}


def personal_slot(name: str) -> Callable:
    """Register the renderer of a personal region: called once per request that shows the slot."""
    def register(render: Callable[[], str]) -> Callable[[], str]:
        SLOTS[name] = render
        return render
    return register


def touch(lru: OrderedDict, key) -> None:
    """Mark an entry of an LRU as just used. With threaded workers another thread may have evicted it
    since it was read: then there is nothing to mark."""
    with suppress(KeyError):
        lru.move_to_end(key)


def trim(lru: OrderedDict, most: int) -> None:
    """Evict the least recently used entries beyond `most` (another thread may be evicting too)."""
    while len(lru) > most:
        with suppress(KeyError):
            lru.popitem(last=False)


@dataclass(frozen=True)
class Page:
    """A rendered page cut at its slots: pieces[0] slot[0] pieces[1] … pieces[-1]."""
    pieces: tuple[bytes, ...]
    slots: tuple[str, ...]
    mimetype: str

    def fill(self) -> bytes:
        if not self.slots:
            return self.pieces[0]
        out = [self.pieces[0]]
        for name, piece in zip(self.slots, self.pieces[1:]):
            out.append(SLOTS[name]().encode())
            out.append(piece)
        return b"".join(out)


class PageCache:
    def __init__(self, max_entries: int, check_seconds: float):
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self.pages: OrderedDict[str, Page] = OrderedDict()
        self.derived: dict[str, object] = {}  # other per-version data (the search entries), dropped with the pages
        self.version: int | None = None
        self.checked_at = 0.0
        self.nonce = secrets.token_hex(8)
        self.marker = re.compile(rb"<!--slot:" + self.nonce.encode() + rb":(\w+)-->")

    def current_version(self) -> int:
        now = time.monotonic()
        if self.version is None or now - self.checked_at >= self.check_seconds:
            row = read_row(_version_statement(), {})
            version = row["version"] or 0 if row is not None else 0
            if version != self.version:
                self.pages.clear()
                self.derived.clear()
                self.version = version
            self.checked_at = now
        return self.version

    def get(self, key: str) -> Page | None:
        self.current_version()
        return self.peek(key)

    def peek(self, key: str) -> Page | None:
        """The cached page whatever the content version (used when the version cannot be read)."""
        hit = self.pages.get(key)
        if hit is not None:
            touch(self.pages, key)
        return hit

    def cut(self, body: bytes, mimetype: str) -> Page:
        parts = self.marker.split(body)
        return Page(tuple(parts[0::2]), tuple(p.decode() for p in parts[1::2]), mimetype)

    def put(self, key: str, page: Page) -> None:
        self.pages[key] = page
        trim(self.pages, self.max_entries)

    def clear(self) -> None:
        self.pages.clear()
        self.derived.clear()
        self.version = None

    def remember(self, name: str, build: Callable[[], object]):
        """Data derived from content only (like the search entries), built once per content version."""
        self.current_version()
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]


def page_cache() -> PageCache | None:
    return current_app.extensions.get("page_cache")


def slot(name: str) -> Markup:
    """Template global: a personal region, rendered now, or marked for filling when the page is cached."""
    cache = request.environ.get(SLOT_MODE) if has_request_context() else None
    if cache is not None:
        return Markup(f"<!--slot:{cache.nonce}:{name}-->")
    return Markup(SLOTS[name]())


def csrf_token() -> Markup:
    """The csrf_token() of templates is the "csrf" slot: while a cached or memoized page renders, a marker,
    so the stored page never holds the token of the session that happened to render it; otherwise the
    session's own token (personal.own_csrf_token)."""
    return slot("csrf")


def per_content_version(name: str, build: Callable[[], object]):
    """Data derived from content only, built once per content version (PageCache.remember), or built
    now when the page cache is off."""
    cache = page_cache()
    return cache.remember(name, build) if cache is not None else build()


def _respond(page: Page):
    return current_app.response_class(page.fill(), mimetype=page.mimetype)


def _render_in_slots(cache: PageCache, view: Callable, args, kwargs):
    """Run the view with personal regions left as slot markers: (its response, the page cut at the
    slots), or (the response, None) when it streams and so cannot be kept."""
    request.environ[SLOT_MODE] = cache
    try:
        response = current_app.make_response(view(*args, **kwargs))
    finally:
        request.environ.pop(SLOT_MODE, None)
    if response.direct_passthrough or response.is_streamed:
        return response, None
    return response, cache.cut(response.get_data(), response.mimetype)


def _storable(response) -> bool:
    """A page may be kept when it is a plain 200 that sets no cookie (nothing of one session in it)."""
    return response.status_code == 200 and not response.headers.getlist("Set-Cookie")


def cached_page(view: Callable) -> Callable:
    """Serve the page's content as already rendered while content is unchanged, personal slots filled
    for whoever asks. The view must not read the current user: whatever is personal goes in a slot.
    A page that is replayed from a cache only reads: it runs without a transaction (dbconn.read_only)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = page_cache()
        if cache is None:
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
            response = _respond(stale)
            response.headers["X-Served-Stale"] = "1"
            return response
        if hit is not None:
            return _respond(hit)
        response, page = _render_in_slots(cache, view, args, kwargs)
        if page is None:
            return response
        if _storable(response):
            cache.put(key, page)
        response.set_data(page.fill())
        return response
    return mark_read_only(wrapper)


def personal_page(key: Callable[[], tuple | None], read_only: bool = True) -> Callable:
    """Memoize a page computed from one learner's data, per worker, under key() plus the content version.

    key() must name every input of what the view renders outside its slots (the user's id and
    users.history_stamp, the local date, …) or return None to render afresh. Slots (the nav with the
    CSRF token, flashed messages) are filled per request as on shared pages. Nothing is served stale:
    a page whose key moved on is rendered again. read_only=False for a view that may write (it keeps
    its transaction, dbconn.py)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            cache, memo = page_cache(), current_app.extensions.get("personal_pages")
            name = key() if cache is not None and memo is not None else None
            if name is None:
                return view(*args, **kwargs)
            name = (request.full_path, cache.current_version(), *name)
            hit = memo.get(name)
            if hit is not None:
                touch(memo, name)
                return _respond(hit)
            response, page = _render_in_slots(cache, view, args, kwargs)
            if page is None:
                return response
            if _storable(response):
                memo[name] = page
                trim(memo, current_app.config["PERSONAL_PAGE_ENTRIES"])
            response.set_data(page.fill())
            return response
        return mark_read_only(wrapper) if read_only else wrapper
    return decorate


def init_page_cache(app: Flask) -> None:
    if app.config["PAGE_CACHE_ENTRIES"] > 0:
        app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_CHECK_SECONDS"])
    if app.config["PERSONAL_PAGE_ENTRIES"] > 0:
        app.extensions["personal_pages"] = OrderedDict()
    from . import personal  # noqa: F401  (registers the slots every page has)
    app.add_template_global(slot, "slot")
