"""The personal regions of shared pages (slots, see pagecache.py).

Each renderer reads only the request it answers (its session, its user), so a page cut from the
cache and filled here carries nobody else's name, counts or CSRF token. What they memoize is keyed
by every input of the output (the user's id, name, role and own CSRF token), never by the page."""
from __future__ import annotations

import time
from collections import OrderedDict

from flask import current_app, get_flashed_messages, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .extensions import db
from .models import Role
from .pagecache import personal_slot, touch, trim

MEMO_ENTRIES = 10_000


class Memo(OrderedDict):
    """A small LRU: the newest MEMO_ENTRIES results of a pure function of the key."""

    def remember(self, key, make):
        value = self.get(key)
        if value is None:
            value = self[key] = make()
            trim(self, MEMO_ENTRIES)
        else:
            touch(self, key)
        return value


def memo(name: str) -> Memo:
    """The app's own memo of that name (tests build several apps in one process)."""
    return current_app.extensions.setdefault("personal_memos", {}).setdefault(name, Memo())


@personal_slot("csrf")  # what templates' csrf_token() gives (pagecache.csrf_token)
def own_csrf_token() -> str:
    """This session's CSRF token, signed. The signature depends only on the session's own random token
    and the secret key (no expiry: WTF_CSRF_TIME_LIMIT is None), so it is signed once per worker."""
    raw = session.get("csrf_token")
    if not isinstance(raw, str):
        return generate_csrf()
    return memo("signed_tokens").remember((current_app.secret_key, raw), generate_csrf)


@personal_slot("usernav")
def usernav() -> str:
    """The account part of the top bar: the learner's name and role, their links, logout with their token."""
    if not current_user.is_authenticated:
        key = ("guest", request.script_root, request.endpoint, request.full_path)
        return memo("nav").remember(key, lambda: render_template("_usernav.html"))
    token = own_csrf_token()
    pending = pending_grading() if current_user.has_role(Role.instructor) else 0
    key = (request.script_root, current_user.id, current_user.nickname, current_user.role, token, pending)
    return memo("nav").remember(key, lambda: render_template("_usernav.html", token=token, pending=pending))


def pending_grading() -> int:
    """Answers awaiting the instructor's 考官评分 (every class's for an admin): shown beside the nav link."""
    from .examiner.queries import pending_count
    return pending_count(db.session, current_user.id, current_user.has_role(Role.admin))


@personal_slot("now_ms")
def now_ms() -> str:
    """The server clock in milliseconds, as a page is sent: where a form measures answer time from."""
    return str(int(time.time() * 1000))


@personal_slot("flashes")
def flashes() -> str:
    """Messages flashed to this session, shown once (nothing to render when there are none)."""
    if "_flashes" not in session:
        return ""
    return render_template("_flashes.html", messages=get_flashed_messages(with_categories=True))
