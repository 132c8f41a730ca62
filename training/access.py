"""Who may open which page: every view declares a rule, and one hook enforces it.

A view without a rule is refused (fail closed), and tests/test_access.py fails
for it, so a new route cannot ship unguarded by accident.
"""
from __future__ import annotations

from collections import OrderedDict

from functools import cache
from typing import Callable

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from .models import Role
from .numbers import is_row_id

ACCESS_ATTR = "access_rule"
PUBLIC, LOGIN = "public", "login"
RULES = (PUBLIC, LOGIN, Role.instructor.value, Role.admin.value)
# Flask's own static route is a bound method we cannot tag; it is public by nature.
PUBLIC_ENDPOINTS = {"static"}


def _tag(rule: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTR, rule)
        return view
    return decorator


public = _tag(PUBLIC)
login_required = _tag(LOGIN)
instructor_required = _tag(Role.instructor.value)
admin_required = _tag(Role.admin.value)


def rule_for(view: Callable) -> str | None:
    while view is not None:
        rule = getattr(view, ACCESS_ATTR, None)
        if rule:
            return rule
        view = getattr(view, "__wrapped__", None)
    return None


def endpoint_rule(app: Flask, endpoint: str) -> str | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    return rule_for(app.view_functions[endpoint])


def check_access(rule: str | None) -> None:
    """Abort unless the current user satisfies rule; guests are sent to log in."""
    if rule == PUBLIC:
        return
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refusing", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        login_manager = current_app.login_manager  # type: ignore[attr-defined]
        abort(login_manager.unauthorized())
    if rule != LOGIN and not current_user.has_role(Role(rule)):
        abort(403)


def init_access(app: Flask) -> None:
    @app.before_request
    def enforce_access_rule():
        if request.endpoint is None:  # 404/405: let the router answer
            return None
        check_access(endpoint_rule(app, request.endpoint))
        return None



def endpoints_without_rule(app: Flask) -> list[str]:
    """Endpoints that declare no access rule: they are refused at runtime and fail the tests."""
    return sorted(e for e in app.view_functions if endpoint_rule(app, e) not in RULES)


@cache
def _by_id_statement(model) -> Select:
    return select(model).where(model.id == bindparam("item_id"))


def row_by_id(model, item_id: int):
    """The row of model with that id, or None, by a statement built once per model: a statement object
    memoizes its cache key, where session.get() rebuilds its query on every call (a third of a cached
    page's cost in a profile, for the user loader that runs on every request)."""
    from .extensions import db
    if not is_row_id(item_id):
        return None
    return db.session.execute(_by_id_statement(model), {"item_id": item_id}).scalar()


SIGNED_IN_MEMO = 10_000  # users per worker whose last row and snapshot are kept


@cache
def _user_row_statement() -> Select:
    from .models import User
    return select(User.__table__).where(User.__table__.c.id == bindparam("user_id"))


def signed_in_user(user_id: int):
    """The account of a session cookie, read from the database on every request, as a snapshot.

    The users row is read by one plain statement on the thread's own connection (dbconn.read_row: no
    pool, no ORM session, no transaction); while it equals the row this worker last saw, the User built
    from that row is handed out again, detached from any session, so a request that only reads the user
    pays one small SELECT and builds no ORM object (about a quarter of a cached page's cost). Any change
    to the row (a new session token at logout or a password change, a new role, a disabled account, the
    history stamp) gives a different row and a fresh User. The snapshot refuses
    writes: code that changes the account loads it with own_user_row()."""
    from .models import User
    from .pagecache import touch, trim
    from .dbconn import read_row
    if not is_row_id(user_id):
        return None
    row = read_row(_user_row_statement(), {"user_id": user_id})
    if row is None:
        return None
    memo = current_app.extensions.setdefault("signed_in_users", OrderedDict())
    seen = memo.get(user_id)
    if seen is not None and seen[0] == row:
        touch(memo, user_id)
        return seen[1]
    user = User.snapshot(row)
    memo[user_id] = (row, user)
    trim(memo, SIGNED_IN_MEMO)
    return user


def own_user_row():
    """The signed-in user's row in this request's session, to change it (current_user is a snapshot)."""
    from .extensions import db
    from .models import User
    return db.session.get(User, current_user.id)


def get_owned_or_404(model, item_id: int, message: str = "这条记录属于另一位用户。"):
    """A row of model by id that belongs to the current user: 404 if unknown, 403 if someone else's."""
    from .errors import user_abort
    row = row_by_id(model, item_id)
    if row is None:
        user_abort(404, "没有找到这条记录：链接可能有误，或它已被删除。")
    if row.user_id != current_user.id:
        user_abort(403, message)
    return row
