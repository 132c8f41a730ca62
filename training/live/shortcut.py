"""The phones' two hot calls, answered before Flask is entered at all: the state poll and the answer.

With a room of phones nearly every request is one of these, and a request through Flask costs several
times the work of the answer itself (request context, the before_request hooks, the ORM). So this WSGI
layer answers them from the worker's SnapshotCache (state.py) with at most one small SQL statement on
a connection of the thread's own:

- a poll: 304 if the phone's ETag names the current version, else the state with the phone's own part.
  The version is read again (`SELECT state_version`, by primary key) when this worker read it more than
  LIVE_VERSION_TTL seconds ago; an unknown token is looked up once (`live_players` by its unique
  token_hash); "have I answered?" is asked only while a question is open.
- an answer of an anonymous phone to the open question, inside its window by the server's clock (the
  deadline plus GRACE_SECONDS): graded here and stored by one statement, which is its own transaction:

      INSERT INTO responses (…) SELECT … FROM live_sessions WHERE id = :session AND state_version = :version
      AND phase = 'question' AND position = :slot AND opens_at = … AND deadline_at = …
      FOR SHARE ON CONFLICT (live_player_id, slot) DO NOTHING RETURNING id

  The worker's snapshot of that version gave the question, its window and the scoring rule; the statement
  inserts only if the session row still says so (that version, phase, question, opening and deadline:
  every phase change bumps the version), holding the row FOR SHARE like the view's answer, so a reveal
  waits for it and none lands after one. uq_responses_live keeps one answer per player and question; a
  repeat reads the first and sends it back.

Anything else goes on to the views, which say what is wrong or what happened: a version this worker has
not built, a token not in the room, a removed or replaced player, a flood, a signed-in player's answer
(it also reviews their card), a closed window, an answer that cannot be one, the session moved on, or a
database error (the thread's connection is dropped and made again on the next call). The body an answer
came with is put back for the view. On SQLite (one process: development) only the calls that need no
query are answered here.
"""
from __future__ import annotations

import io
import json
import re
import time

from flask import Flask

from ..config import json_text
from ..dbconn import OwnConnections
from ..content.payloads import QuestionPayload
from ..grading.live import MAX_POINTS, OPEN, QUESTION, chosen_keys, elapsed_ms, points_for, window
from ..grading.objective import InvalidResponse, check_response, grade
from ..models.base import utcnow
from ..numbers import parse_int
from .service import token_hash
from .state import Snapshot, SnapshotCache, my_part, phone_body

CALL_PATH = re.compile(r"/play/s/(\d{1,9})/(state|answer)")
BODY_MAX = 4096  # an answer is a few dozen bytes

VERSION_SQL = "SELECT state_version FROM live_sessions WHERE id = %s"
PLAYER_SQL = "SELECT id, session_id, user_id, nickname FROM live_players WHERE token_hash = %s"
ANSWERED_SQL = "SELECT answer FROM responses WHERE live_player_id = %s AND slot = %s"
INSERT_SQL = (
    "INSERT INTO responses (user_id, context, live_session_id, live_player_id, round, slot, question_id, version_id,"
    " legacy, answer, score, points, points_possible, time_ms, answered_at, graded_at, overtime)"
    " SELECT NULL, 'live', id, %(player)s, 0, %(slot)s, %(question)s, %(version)s, false, %(answer)s::json,"
    " %(score)s, %(points)s, %(possible)s, %(ms)s, %(now)s, %(now)s, false"
    " FROM live_sessions WHERE id = %(session)s AND state_version = %(state)s AND phase = 'question'"
    " AND position = %(slot)s AND opens_at = %(opens)s AND deadline_at = %(deadline)s"
    " FOR SHARE ON CONFLICT (live_player_id, slot) DO NOTHING RETURNING id")

FIRST = "已提交，等老师公布答案。"
REPEAT = "你已经答过这道题，以第一次提交为准。"
JSON_HEADERS = [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")]


class FastLane:
    """WSGI middleware in front of the Flask app (installed by the live blueprint)."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app
        self.db = OwnConnections(app, "live_fast_connection", backends=("postgresql",))

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_PLAYER_TOKEN"):
            match = CALL_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                store = self.app.extensions.get("live_cache")
                method = environ.get("REQUEST_METHOD")
                answered = None
                if store is not None:
                    try:
                        if match.group(2) == "state" and method == "GET":
                            answered = self.state(store, int(match.group(1)), environ, start_response)
                        elif match.group(2) == "answer" and method == "POST":
                            answered = self.answer(store, int(match.group(1)), environ, start_response)
                    except Exception:  # noqa: BLE001  (a database error): the view answers and reports it
                        answered = None
                if answered is not None:
                    return answered
        return self.wsgi_app(environ, start_response)

    # ---------------------------------------------------------------- what both calls need

    def current(self, store: SnapshotCache, session_id: int) -> Snapshot | None:
        """This worker's snapshot of the session if it is the current version (read again after the TTL).

        On a new version one thread of this worker builds it (in the view, holding store.lock); while it
        does, the polls of the other threads are answered from the version before, as if they had come
        those milliseconds earlier, rather than all waiting for the lock inside Flask."""
        snap = store.snapshots.get(session_id)
        if snap is None:
            return None
        seen = store.checked.get(session_id)
        if seen is not None and time.monotonic() - seen[0] < self.app.config["LIVE_VERSION_TTL"]:
            version = seen[1]
        else:
            with self.db.cursor() as cur:
                if cur is None:
                    return None
                row = cur.execute(VERSION_SQL, (session_id,)).fetchone()
            if row is None:
                return None
            version = row[0]
            store.checked[session_id] = (time.monotonic(), version)
        if version == snap.version or (version > snap.version and store.lock.locked()):
            return snap
        return None  # the view builds the new version

    def player(self, store: SnapshotCache, session_id: int, snap: Snapshot, token: str):
        """(player id, session id, user id, nickname) of a phone still in this room, else None."""
        hashed = token_hash(token)
        player = store.players.get(hashed)
        if player is None:
            with self.db.cursor() as cur:
                row = cur.execute(PLAYER_SQL, (hashed,)).fetchone() if cur is not None else None
            if row is None:
                return None
            player = store.players[hashed] = tuple(row)
        if player[1] != session_id or snap.refuses(player[0], hashed):
            return None
        return player

    # ---------------------------------------------------------------- the poll

    def state(self, store: SnapshotCache, session_id: int, environ, start_response):
        snap = self.current(store, session_id)
        if snap is None:
            return None
        token = environ["HTTP_X_PLAYER_TOKEN"]
        player = self.player(store, session_id, snap, token)
        if player is None:
            return None
        etag = f'W/"{snap.etag}"'
        unchanged = environ.get("HTTP_IF_NONE_MATCH", "").removeprefix("W/") == etag[2:]
        if not store.may_poll(token, *store.poll_limit(self.app.config["LIVE_POLL_LIMIT"])):
            return None  # the view says so (429)
        headers = [("ETag", etag), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]
        if unchanged:
            start_response("304 Not Modified", headers)
            return [b""]
        now = utcnow()
        answered = None
        if snap.question is not None and snap.opened(now):  # whether this phone has answered is in the database
            with self.db.cursor() as cur:
                if cur is None:
                    return None
                row = cur.execute(ANSWERED_SQL, (player[0], snap.position)).fetchone()
            answered = chosen_keys(snap.question["qtype"], row[0]) if row is not None else None
        body = phone_body(snap, my_part(snap, player[0], player[3], answered), now)
        start_response("200 OK", headers + [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    # ---------------------------------------------------------------- the answer

    def answer(self, store: SnapshotCache, session_id: int, environ, start_response):
        snap = store.snapshots.get(session_id)
        if snap is None or snap.phase != QUESTION or snap.question is None or snap.version_id is None:
            return None
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return None
        length = parse_int(environ.get("CONTENT_LENGTH") or "", lo=0, hi=BODY_MAX)
        if length is None:
            return None
        token = environ["HTTP_X_PLAYER_TOKEN"]
        player = self.player(store, session_id, snap, token)
        if player is None or player[2] is not None:  # a signed-in player's answer also reviews their card: the view
            return None
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)  # for the view, if it is the one to answer
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(body, dict) or parse_int(str(body.get("slot", "")), lo=0, hi=10_000) != snap.position:
            return None
        now = utcnow()
        if window(now, snap.opens_at, snap.deadline_at) != OPEN:
            return None
        q: QuestionPayload | None = store.payloads.get(snap.version_id)
        if q is None:
            return None
        value = body.get("answer")
        if q.qtype == "判断" and value in ("true", "false"):
            value = value == "true"
        try:
            checked = check_response(q, value)
        except InvalidResponse:
            return None
        if not store.may_poll("answer:" + token, *store.poll_limit(self.app.config["LIVE_ANSWER_LIMIT"])):
            return None  # the view says so (429); counted here only for an answer that is one
        result = grade(q, checked, exam=True)
        limit = snap.seconds * 1000
        took = elapsed_ms(now, snap.opens_at, limit)
        with self.db.cursor() as cur:
            if cur is None:
                return None
            inserted = cur.execute(INSERT_SQL, {
                "player": player[0], "slot": snap.position, "question": snap.question_id, "version": snap.version_id,
                "answer": json_text(checked), "score": result.score, "possible": MAX_POINTS, "ms": took, "now": now,
                "points": points_for(result.correct, took, limit, snap.mode), "session": session_id,
                "state": snap.version, "opens": snap.opens_at, "deadline": snap.deadline_at}).fetchone()
            first = inserted is not None
            if not first:
                row = cur.execute(ANSWERED_SQL, (player[0], snap.position)).fetchone()
                if row is None:
                    return None  # the session moved on since this worker's snapshot: the view says how
                checked = row[0]
        out = {"accepted": True, "first": first, "slot": snap.position,
               "answer": chosen_keys("判断" if isinstance(checked, bool) else "", checked),
               "message": FIRST if first else REPEAT}
        data = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
        start_response("200 OK", JSON_HEADERS + [("Cache-Control", "no-store"), ("Content-Length", str(len(data)))])
        return [data]
