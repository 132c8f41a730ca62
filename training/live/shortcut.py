"""The cheapest answer to a phone's poll: 304 before Flask is entered at all.

Most polls ask "anything new?" while nothing is. When this worker read the session's state version
less than LIVE_VERSION_TTL seconds ago, the phone's ETag names that version, its token is one this
worker has already checked, its player is still in the room and within its poll budget, the answer
is 304 straight from here (no routing, hooks, session or database). Anything else (a stale version,
an unknown token, a removed player, a flood) goes on to the real view, which decides.
"""
from __future__ import annotations

import re
import time

from flask import Flask

from .service import token_hash

STATE_PATH = re.compile(r"/play/s/(\d{1,9})/state")


class PollShortcut:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_IF_NONE_MATCH"):
            match = STATE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match and self.unchanged(int(match.group(1)), environ):
                start_response("304 Not Modified", [("ETag", environ["HTTP_IF_NONE_MATCH"]),
                                                     ("Cache-Control", "no-cache")])
                return [b""]
        return self.wsgi_app(environ, start_response)

    def unchanged(self, session_id: int, environ) -> bool:
        store = self.app.extensions.get("live_cache")
        token = environ.get("HTTP_X_PLAYER_TOKEN", "")
        if store is None or not token:
            return False
        seen = store.checked.get(session_id)
        snap = store.snapshots.get(session_id)
        config = self.app.config
        if seen is None or snap is None or snap.version != seen[1]:
            return False
        if time.monotonic() - seen[0] >= config["LIVE_VERSION_TTL"]:
            return False
        if environ["HTTP_IF_NONE_MATCH"].removeprefix("W/") != f'"{snap.etag}"':
            return False
        hashed = token_hash(token)
        player = store.players.get(hashed)
        if player is None or player[1] != session_id or snap.refuses(player[0], hashed):
            return False
        amount, seconds = store.poll_limit(config["LIVE_POLL_LIMIT"])
        return store.may_poll(token, amount, seconds)
