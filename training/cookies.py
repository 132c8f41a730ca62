"""The signed session cookie, verified once per worker.

Flask checks the session cookie's HMAC signature and decodes its JSON on every request (about a fifth of
what a cached page costs). A browser sends the same cookie string request after request, and the
result of verifying a given string with a given key never changes, except that the cookie ages: so each
worker keeps the newest SESSION_MEMO verified cookies (the payload and when it was signed) and answers
a repeat by checking only the age, as itsdangerous would (max_age = PERMANENT_SESSION_LIFETIME).

Only strings that verified are kept, under the keys they verified with: a forged or altered cookie is
checked in full every time, and a new SECRET_KEY starts afresh. Every request gets its own copy of the
payload (lists and dicts too: flash() appends to its list in place)."""
from __future__ import annotations

import copy
import time
from collections import OrderedDict

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from .pagecache import touch, trim

SESSION_MEMO = 10_000


def _own_copy(data: dict) -> dict:
    return {k: copy.deepcopy(v) if isinstance(v, (list, dict)) else v for k, v in data.items()}


class VerifiedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.verified: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()

    def open_session(self, app: Flask, request):
        val = request.cookies.get(self.get_cookie_name(app))
        if not val or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (val, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        hit = self.verified.get(key)
        if hit is not None:
            data, signed_at = hit
            if time.time() - signed_at > max_age:  # expired since (itsdangerous's SignatureExpired)
                return self.session_class()
            touch(self.verified, key)
            return self.session_class(_own_copy(data))
        serializer = self.get_signing_serializer(app)
        try:
            data, signed_at = serializer.loads(val, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self.verified[key] = (data, int(signed_at.timestamp()))
        trim(self.verified, SESSION_MEMO)
        return self.session_class(_own_copy(data))


def init_cookies(app: Flask) -> None:
    app.session_interface = VerifiedOnceSessionInterface()
