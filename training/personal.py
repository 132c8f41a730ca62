"""The personal regions of shared pages (slots, see pagecache.py): the account links and flash messages.

Each renderer reads only the request it answers (its session, its user), so a page cut from the
cache and filled here carries nobody else's name, counts or CSRF token."""
from __future__ import annotations

from flask import get_flashed_messages, render_template, session

from .pagecache import personal_slot


@personal_slot("usernav")
def usernav() -> str:
    """The account part of the top bar: the learner's name and role, their links, logout with their token."""
    return render_template("_usernav.html")


@personal_slot("flashes")
def flashes() -> str:
    """Messages flashed to this session, shown once (nothing to render when there are none)."""
    if "_flashes" not in session:
        return ""
    return render_template("_flashes.html", messages=get_flashed_messages(with_categories=True))

