"""The cheapest answer to a phone's poll: before Flask is entered at all.

Most polls ask "anything new?" while nothing is, and most of the rest fetch a state that is the same
for the whole room (a new question before it opens, the answer, the ranking). When this worker read
the session's state version less than LIVE_VERSION_TTL seconds ago, has that version's state built,
knows the phone's token, and the player is still in the room and within its poll budget, the answer
comes from here: 304 if the phone's ETag names the version, else the state with the phone's own part
("me" needs no query in these phases). Anything else (a stale version, an unknown token, a removed
player, a flood, an open question whose "did I answer?" needs the database) goes on to the view.
"""
from __future__ import annotations

import re
import time

from flask import Flask

from ..models.base import utcnow
from .service import token_hash
from .state import my_part, phone_body

STATE_PATH = re.compile(r"/play/s/(\d{1,9})/state")


class PollShortcut:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_X_PLAYER_TOKEN"):
            match = STATE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                answered = self.answer(int(match.group(1)), environ, start_response)
                if answered is not None:
                    return answered
        return self.wsgi_app(environ, start_response)

    def answer(self, session_id: int, environ, start_response):
        store = self.app.extensions.get("live_cache")
        if store is None:
            return None
        config = self.app.config
        seen, snap = store.checked.get(session_id), store.snapshots.get(session_id)
        if seen is None or snap is None or snap.version != seen[1]:
            return None
        if time.monotonic() - seen[0] >= config["LIVE_VERSION_TTL"]:
            return None
        token = environ["HTTP_X_PLAYER_TOKEN"]
        hashed = token_hash(token)
        player = store.players.get(hashed)
        if player is None or player[1] != session_id or snap.refuses(player[0], hashed):
            return None
        etag = f'W/"{snap.etag}"'
        unchanged = environ.get("HTTP_IF_NONE_MATCH", "").removeprefix("W/") == etag[2:]
        now = utcnow()
        if not unchanged and snap.question is not None and snap.opened(now):
            return None  # whether this phone has answered is in the database
        if not store.may_poll(token, *store.poll_limit(config["LIVE_POLL_LIMIT"])):
            return None  # the view says so (429)
        headers = [("ETag", etag), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]
        if unchanged:
            start_response("304 Not Modified", headers)
            return [b""]
        body = phone_body(snap, my_part(snap, player[0], player[3]), now)
        start_response("200 OK", headers + [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
