"""Race check: every "at most once" write stays at most once under real concurrency.

For each write below, 20 identical requests leave together (threading.Barrier) against the
app served by `gunicorn -w 2 --threads 8` on PostgreSQL (16 requests inside the app at once), from the same logged-in user with the same
cookies and CSRF token (sign-up: 20 fresh visitors with the same form). Afterwards the rows
are counted with SQL straight from the database. A write PASSES when exactly the expected
rows (or state change) are there and no request answered 5xx or failed to get an answer;
4xx answers to the losers (400 for a taken username, 409 "already done") are fine.

    1 sign-up          POST /auth/signup                   -> 1 users row with that username
    2 start paper      POST /mock/start/<理论知识 blueprint> -> 1 open exam_attempts row
    3 exam save        POST /mock/a/<id>/save              -> 1 responses row for (attempt, slot)
    4 hand-in          POST /mock/a/<id>/submit            -> handed in once, every answer graded, report 200
    5 practice answer  POST /practice/s/<id>/answer        -> 1 responses row, position +1
    6 star             POST /practice/star/<question>      -> 1 stars row
    7 begin 答辩        POST /defense/s/<id>/begin          -> 1 responses row
    8 submit 答辩       POST /defense/s/<id>/answer         -> answered once, 1 keypoint_results row per key point

Each round uses a fresh user and fresh objects; the script creates its own database
(races_<pid>) on the server, builds it with `flask setup`, and drops it at the end. On a FAIL
it prints the traceback gunicorn logged during that race. Exit status 1 if any write FAILs.

    .venv/bin/python bench/races.py [--rounds 3] [--threads 8] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

--database-url names the PostgreSQL server (the database in it is only used to CREATE/DROP
races_<pid>). Needs gunicorn (requirements.txt) and requests (a dev dependency).
"""
# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from bench._common import ROOT, make_app, verdict
from bench.http_load import Gunicorn

try:
    import requests
except ImportError:  # a dev-only dependency
    sys.exit("bench/races.py needs requests: .venv/bin/pip install requests")

THREADS = 20
TIMEOUT = 60  # seconds per request; gunicorn's own worker timeout is 30
FLASK = str(ROOT / ".venv" / "bin" / "flask")
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "race-password-2026"
DEFENSE_TEXT = "先安抚顾客情绪，再核实事实，提出补偿方案并回访。"
RATE_LIMIT = "10000 per minute"


# ---------------------------------------------------------------- database


class Database:
    """A throw-away database on a PostgreSQL server, and an autocommit connection to count rows."""

    def __init__(self, server_url: str, name: str):
        server = make_url(server_url)
        if not server.drivername.startswith("postgresql"):
            raise SystemExit(f"--database-url must be a PostgreSQL URL, not {server.drivername}")
        self.name = name
        self.url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        self.conninfo = server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
        self._admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: psycopg.Connection | None = None

    def create(self) -> None:
        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def execute(self, query: str, *params: Any) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(query, params or None)

    def one(self, query: str, *params: Any) -> Any:
        """The first column of the first row (None if no row); each call sees everything committed."""
        if self._conn is None:
            self._conn = psycopg.connect(self.conninfo, autocommit=True)
        row = self._conn.execute(query, params).fetchone()
        return row[0] if row else None


def run_flask(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([FLASK, "--app", "app", *args], cwd=str(ROOT), env=env, input=stdin,
                          capture_output=True, text=True, timeout=600, check=False)


def schema_gaps(url: str) -> tuple[list[str], list[str]]:
    """(tables/columns the models have and the database lacks, unique rules likewise missing)."""
    from sqlalchemy import UniqueConstraint, inspect

    from training.extensions import db
    app = make_app(url)
    missing, unique = [], []
    with app.app_context():
        insp = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            if not insp.has_table(table.name):
                missing.append(f"table {table.name}")
                continue
            have = {c["name"] for c in insp.get_columns(table.name)}
            missing += [f"column {table.name}.{c.name}" for c in table.columns if c.name not in have]
            found = {tuple(sorted(u["column_names"])) for u in insp.get_unique_constraints(table.name)}
            found |= {tuple(sorted(i["column_names"])) for i in insp.get_indexes(table.name) if i["unique"]}
            wanted = [tuple(sorted(c.name for c in u.columns)) for u in table.constraints
                      if isinstance(u, UniqueConstraint)]
            wanted += [tuple(sorted(c.name for c in i.columns)) for i in table.indexes if i.unique]
            unique += [f"unique {table.name}({', '.join(cols)})" for cols in wanted if cols not in found]
        db.engine.dispose()
    return missing, unique


def build_schema(database: Database, env: dict[str, str]) -> None:
    """`flask setup` (migrations + content/); if that fails or leaves the schema short of the models,
    fall back to create_all() + `flask content load`, with a warning."""
    setup = run_flask(env, "setup")
    missing, unique = schema_gaps(database.url) if setup.returncode == 0 else (["flask setup failed"], [])
    if not missing:
        for gap in unique:
            print(f"WARNING: the migrations lack {gap}; racing the migrated schema, as deployed")
        return
    print("WARNING: `flask setup` did not build the models' schema "
          f"({'; '.join(missing[:5])}{' …' if len(missing) > 5 else ''}).")
    if setup.returncode != 0:
        print("\n".join((setup.stdout + setup.stderr).splitlines()[-15:]))
    print("WARNING: falling back to db.create_all() + `flask content load`; the migrations are NOT tested.")
    from training.extensions import db
    database.execute("DROP SCHEMA public CASCADE")
    database.execute("CREATE SCHEMA public")
    app = make_app(database.url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    load = run_flask(env, "content", "load")
    if load.returncode != 0:
        raise RuntimeError(f"flask content load failed:\n{load.stdout}{load.stderr}")


# ---------------------------------------------------------------- HTTP


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.found.append({k: v or "" for k, v in attrs})


def inputs(html: str) -> list[dict[str, str]]:
    """Every <input> of a page, as attribute dicts."""
    parser = _Inputs()
    parser.feed(html)
    return parser.found


def field_value(html: str, name: str) -> str:
    for attrs in inputs(html):
        if attrs.get("name") == name:
            return attrs.get("value", "")
    raise RuntimeError(f"no <input name={name!r}> on the page")


def location_id(resp: requests.Response, pattern: str) -> int:
    """The id in a redirect's Location (pattern has one group)."""
    m = re.fullmatch(pattern, urlsplit(resp.headers.get("Location", "")).path)
    if resp.status_code not in (302, 303) or not m:
        raise RuntimeError(f"{resp.request.method} {resp.request.path_url} answered {resp.status_code} "
                           f"(Location {resp.headers.get('Location')!r}), wanted a redirect to {pattern}")
    return int(m.group(1))


@dataclass
class Shot:
    """One racing request, armed before the barrier."""

    session: requests.Session
    url: str
    data: dict[str, str]


class Browser:
    """A logged-in user: cookies plus CSRF token, copied into a fresh session for each racing thread."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.csrf = ""

    def get(self, path: str, status: int | None = 200) -> requests.Response:
        resp = self.http.get(self.base + path, allow_redirects=False, timeout=TIMEOUT)
        if status is not None and resp.status_code != status:
            raise RuntimeError(f"GET {path} answered {resp.status_code}, wanted {status}")
        return resp

    def post(self, path: str, data: dict[str, str] | None = None) -> requests.Response:
        return self.http.post(self.base + path, data={"csrf_token": self.csrf, **(data or {})},
                              allow_redirects=False, timeout=TIMEOUT)

    def login(self, username: str, password: str) -> None:
        token = field_value(self.get("/auth/login").text, "csrf_token")
        resp = self.http.post(self.base + "/auth/login", allow_redirects=False, timeout=TIMEOUT,
                              data={"csrf_token": token, "username": username, "password": password})
        if resp.status_code != 302:
            raise RuntimeError(f"login as {username} answered {resp.status_code}")
        self.csrf = field_value(self.get("/mock/").text, "csrf_token")  # the logged-in session's token

    def shot(self, path: str, data: dict[str, str] | None = None) -> Shot:
        twin = requests.Session()
        twin.cookies.update(self.http.cookies)
        return Shot(twin, self.base + path, {"csrf_token": self.csrf, **(data or {})})


def volley(shots: list[Shot]) -> Counter:
    """Send every shot at the same moment; the status codes (or error names) by count."""
    barrier = threading.Barrier(len(shots))
    seen: list[str] = [""] * len(shots)

    def go(i: int, shot: Shot) -> None:
        try:
            barrier.wait()
            seen[i] = str(shot.session.post(shot.url, data=shot.data, allow_redirects=False,
                                            timeout=TIMEOUT).status_code)
        except Exception as exc:  # noqa: BLE001  no answer at all is a finding, not a crash
            seen[i] = type(exc).__name__
        finally:
            shot.session.close()

    threads = [threading.Thread(target=go, args=(i, s)) for i, s in enumerate(shots)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(seen)


# ---------------------------------------------------------------- the generic race


@dataclass
class Round:
    number: int
    base: str
    db: Database
    user: Browser
    user_id: int


@dataclass
class Outcome:
    name: str
    round: int
    statuses: Counter = field(default_factory=Counter)
    rows: int | None = None
    expected: int | None = None
    problems: list[str] = field(default_factory=list)
    traceback: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def server_failed(status: str) -> bool:
    return not status.isdigit() or int(status) >= 500


def last_traceback(log: str) -> str:
    """The last logged error with its traceback (chained ones included), up to the next log record,
    with library frames left out: the project's frames and the exception lines remain."""
    lines = log.splitlines()
    tb = max((i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")), default=None)
    if tb is None:
        return ""
    start = max((i for i in range(tb) if lines[i].startswith("[") and "ERROR" in lines[i]), default=tb)
    end = next((i for i in range(tb + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    kept, library_frame = [], False
    for line in lines[start:end]:
        if line.startswith('  File "'):
            library_frame = "site-packages" in line or not line.startswith(f'  File "{ROOT}')
        elif not line.startswith(" "):
            library_frame = False
        if not library_frame:
            kept.append(line)
    return "\n".join(kept)


def race(rnd: Round, server: Gunicorn, name: str, prepare: Callable[[Round], dict],
         fire: Callable[[Round, dict], Shot], count: Callable[[Round, dict], int],
         expected: int | Callable[[Round, dict], int] = 1,
         checks: Callable[[Round, dict], list[str]] | None = None) -> Outcome:
    """Set up (prepare), send THREADS identical requests at once (fire), count the rows (count) and
    compare with expected; checks lists any other broken post-condition."""
    out = Outcome(name, rnd.number)
    log_start = server.log_path.stat().st_size
    try:
        state = prepare(rnd)
        out.statuses = volley([fire(rnd, state) for _ in range(THREADS)])
        out.rows = count(rnd, state)
        out.expected = expected(rnd, state) if callable(expected) else expected
        if out.rows != out.expected:
            out.problems.append(f"{out.rows} rows, expected {out.expected}")
        bad = sum(n for status, n in out.statuses.items() if server_failed(status))
        if bad:
            out.problems.append(f"{bad} request(s) answered 5xx or not at all")
        out.problems += checks(rnd, state) if checks else []
    except Exception as exc:  # noqa: BLE001  a broken set-up fails this write, the others still run
        out.problems.append(f"could not run: {exc}")
    if not out.ok:
        server.log.flush()
        with open(server.log_path, "rb") as f:
            f.seek(log_start)
            out.traceback = last_traceback(f.read().decode("utf-8", "replace"))
    return out


# ---------------------------------------------------------------- the eight writes
# Each write: prepare(rnd) -> state; fire(rnd, state) -> Shot; count(rnd, state) -> rows.

def signup_prepare(rnd: Round) -> dict:
    return {"username": f"signup-{os.getpid()}-{rnd.number}@example.com"}


def signup_fire(rnd: Round, st: dict) -> Shot:
    visitor = requests.Session()
    page = visitor.get(rnd.base + "/auth/signup", timeout=TIMEOUT)
    return Shot(visitor, rnd.base + "/auth/signup", {
        "csrf_token": field_value(page.text, "csrf_token"), "nickname": "抢注", "username": st["username"],
        "password": PASSWORD, "confirm": PASSWORD})


def signup_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM users WHERE username = %s", st["username"])


def theory_blueprint(rnd: Round) -> str:
    bp = rnd.db.one("SELECT id FROM blueprints WHERE paper = '理论知识' AND NOT retired ORDER BY position LIMIT 1")
    if bp is None:
        raise RuntimeError("no 理论知识 blueprint in the database")
    return bp


def start_prepare(rnd: Round) -> dict:
    return {"blueprint": theory_blueprint(rnd)}


def start_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM exam_attempts WHERE user_id = %s AND blueprint_id = %s "
                      "AND submitted_at IS NULL", rnd.user_id, st["blueprint"])


def open_attempt(rnd: Round) -> int:
    """The user's open 理论知识 attempt (starting it goes back to the open one if there is one)."""
    return location_id(rnd.user.post(f"/mock/start/{theory_blueprint(rnd)}"), r"/mock/a/(\d+)")


def objective_choices(rnd: Round, attempt: int) -> list[tuple[int, str]]:
    """(item index, one valid choice value) for every objective item with choices on the paper."""
    found: dict[int, str] = {}
    for attrs in inputs(rnd.user.get(f"/mock/a/{attempt}").text):
        m = re.fullmatch(r"i(\d+)-choice", attrs.get("name", ""))
        if m and attrs.get("type") in ("radio", "checkbox"):
            found.setdefault(int(m.group(1)), attrs["value"])
    if not found:
        raise RuntimeError(f"attempt {attempt} shows no choice question")
    return sorted(found.items())


def save_fields(index: int, value: str) -> dict[str, str]:
    return {"index": str(index), f"i{index}-choice": value}


def save_prepare(rnd: Round) -> dict:
    attempt = open_attempt(rnd)
    index, value = objective_choices(rnd, attempt)[0]
    return {"attempt": attempt, "index": index, "value": value}


def save_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM responses WHERE exam_attempt_id = %s AND slot = %s",
                      st["attempt"], st["index"])


def handin_prepare(rnd: Round) -> dict:
    """The open paper with (at least) three objective answers saved, so the hand-in has marking to do."""
    attempt = open_attempt(rnd)
    for index, value in objective_choices(rnd, attempt)[:3]:
        resp = rnd.user.post(f"/mock/a/{attempt}/save", save_fields(index, value))
        if resp.status_code != 200:
            raise RuntimeError(f"saving item {index} of attempt {attempt} answered {resp.status_code}")
    answered = rnd.db.one("SELECT count(*) FROM responses WHERE exam_attempt_id = %s AND question_id IS NOT NULL "
                          "AND answer IS NOT NULL", attempt)
    return {"attempt": attempt, "answered": answered}


def handin_count(rnd: Round, st: dict) -> int:
    """Graded answers of the attempt."""
    return rnd.db.one("SELECT count(*) FROM responses WHERE exam_attempt_id = %s AND score IS NOT NULL",
                      st["attempt"])


def handin_checks(rnd: Round, st: dict) -> list[str]:
    a, one = st["attempt"], rnd.db.one
    problems = []
    if one("SELECT submitted_at FROM exam_attempts WHERE id = %s", a) is None:
        problems.append("submitted_at not set")
    if one("SELECT count(*) FROM (SELECT slot FROM responses WHERE exam_attempt_id = %s "
           "GROUP BY slot HAVING count(*) > 1) d", a):
        problems.append("duplicate responses for a slot")
    if one("SELECT count(*) FROM responses WHERE exam_attempt_id = %s AND question_id IS NOT NULL "
           "AND answer IS NOT NULL AND score IS NULL", a):
        problems.append("an answered objective item was not graded")
    if one("SELECT count(DISTINCT graded_at) FROM responses WHERE exam_attempt_id = %s", a) > 1:
        problems.append("answers graded at different times (marked more than once)")
    status = rnd.user.get(f"/mock/a/{a}/report", status=None).status_code
    if status != 200:
        problems.append(f"report answered {status}")
    return problems


def practice_prepare(rnd: Round) -> dict:
    ps = location_id(rnd.user.post("/practice/start", {
        "area": "", "topic": "", "qtype": "判断", "difficulty": "", "order": "seq"}), r"/practice/s/(\d+)")
    page = rnd.user.get(f"/practice/s/{ps}").text
    return {"session": ps, "question_id": field_value(page, "question_id"),
            "version_id": field_value(page, "version_id"),
            "position": rnd.db.one("SELECT position FROM practice_sessions WHERE id = %s", ps)}


def practice_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM responses WHERE practice_session_id = %s", st["session"])


def practice_checks(rnd: Round, st: dict) -> list[str]:
    now = rnd.db.one("SELECT position FROM practice_sessions WHERE id = %s", st["session"])
    return [] if now == st["position"] + 1 else [f"position went {st['position']} -> {now}, expected +1"]


def star_prepare(rnd: Round) -> dict:
    return {"question": rnd.db.one("SELECT id FROM questions WHERE NOT retired ORDER BY position LIMIT 1")}


def star_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM stars WHERE user_id = %s AND question_id = %s",
                      rnd.user_id, st["question"])


def defense_prepare(rnd: Round) -> dict:
    """A fresh one-case rehearsal, on its preparation page."""
    return {"session": location_id(rnd.user.post("/defense/start", {
        "count": "1", "prep_minutes": "0", "answer_minutes": "5", "case": ""}), r"/defense/s/(\d+)")}


def begin_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM responses WHERE defense_session_id = %s", st["session"])


def submit_prepare(rnd: Round) -> dict:
    """A fresh rehearsal with the answer clock started, on its answer page."""
    st = defense_prepare(rnd)
    location_id(rnd.user.post(f"/defense/s/{st['session']}/begin"), r"/defense/s/(\d+)")
    st["answer"] = int(field_value(rnd.user.get(f"/defense/s/{st['session']}").text, "answer_id"))
    return st


def submit_count(rnd: Round, st: dict) -> int:
    return rnd.db.one("SELECT count(*) FROM keypoint_results WHERE response_id = %s", st["answer"])


def submit_expected(rnd: Round, st: dict) -> int:
    """The key points of the case version answered."""
    return rnd.db.one("SELECT json_array_length((v.payload::json) -> 'key_points') FROM responses r "
                      "JOIN item_versions v ON v.id = r.version_id WHERE r.id = %s", st["answer"])


def submit_checks(rnd: Round, st: dict) -> list[str]:
    problems = []
    if rnd.db.one("SELECT answered_at FROM responses WHERE id = %s", st["answer"]) is None:
        problems.append("answered_at not set")
    if rnd.db.one("SELECT text FROM responses WHERE id = %s", st["answer"]) != DEFENSE_TEXT:
        problems.append("the stored text is not the answer sent")
    dups = rnd.db.one("SELECT count(*) FROM (SELECT point_key FROM keypoint_results WHERE response_id = %s "
                      "GROUP BY point_key HAVING count(*) > 1) d", st["answer"])
    if dups:
        problems.append(f"{dups} key point(s) with more than one result")
    return problems


def logged_in(path: Callable[[dict], str], form: Callable[[dict], dict[str, str]] = lambda st: {}):
    """fire() for the logged-in user: the same cookies and CSRF token in every thread."""
    return lambda rnd, st: rnd.user.shot(path(st), form(st))


RACES: list[dict[str, Any]] = [
    dict(name="1 sign-up", prepare=signup_prepare, fire=signup_fire, count=signup_count),
    dict(name="2 start paper", prepare=start_prepare, fire=logged_in(lambda st: f"/mock/start/{st['blueprint']}"),
         count=start_count),
    dict(name="3 exam save", prepare=save_prepare, count=save_count,
         fire=logged_in(lambda st: f"/mock/a/{st['attempt']}/save", lambda st: save_fields(st["index"], st["value"]))),
    dict(name="4 hand-in", prepare=handin_prepare, fire=logged_in(lambda st: f"/mock/a/{st['attempt']}/submit"),
         count=handin_count, expected=lambda rnd, st: st["answered"], checks=handin_checks),
    dict(name="5 practice answer", prepare=practice_prepare, count=practice_count, checks=practice_checks,
         fire=logged_in(lambda st: f"/practice/s/{st['session']}/answer", lambda st: {
             "question_id": st["question_id"], "version_id": st["version_id"], "started": "0", "choice": "true"})),
    dict(name="6 star", prepare=star_prepare, count=star_count,
         fire=logged_in(lambda st: f"/practice/star/{st['question']}", lambda st: {"on": "1"})),
    dict(name="7 begin 答辩", prepare=defense_prepare, count=begin_count,
         fire=logged_in(lambda st: f"/defense/s/{st['session']}/begin")),
    dict(name="8 submit 答辩", prepare=submit_prepare, count=submit_count, expected=submit_expected,
         checks=submit_checks,
         fire=logged_in(lambda st: f"/defense/s/{st['session']}/answer",
                        lambda st: {"answer_id": str(st["answer"]), "text": DEFENSE_TEXT})),
]


# ---------------------------------------------------------------- running and reporting


def new_round(number: int, server: Gunicorn, database: Database, env: dict[str, str]) -> Round:
    """A fresh candidate (created with `flask users create`), logged in through the real form."""
    username = f"racer-{os.getpid()}-{number}@example.com"
    made = run_flask(env, "users", "create", username, "--nickname", f"赛跑{number}", "--role", "candidate",
                     stdin=f"{PASSWORD}\n{PASSWORD}\n")
    if made.returncode != 0:
        raise RuntimeError(f"flask users create failed:\n{made.stdout}{made.stderr}")
    user = Browser(server.base)
    user.login(username, PASSWORD)
    return Round(number, server.base, database, user,
                 database.one("SELECT id FROM users WHERE username = %s", username))


def pad(text: str, width: int) -> str:
    """Left-justify to a display width (CJK characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def statuses_text(statuses: Counter) -> str:
    return " ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))


def print_report(outcomes: list[Outcome]) -> None:
    names = list(dict.fromkeys(o.name for o in outcomes))
    print(f"\n{'write':18} {'status codes (all rounds)':30} {'rows per round':16} {'expected':16} result")
    for name in names:
        mine = [o for o in outcomes if o.name == name]
        total = sum((o.statuses for o in mine), Counter())
        rows = " ".join("-" if o.rows is None else str(o.rows) for o in mine)
        expected = " ".join("-" if o.expected is None else str(o.expected) for o in mine)
        print(f"{pad(name, 18)} {statuses_text(total):30} {rows:16} {expected:16} {verdict(all(o.ok for o in mine))}")
    for o in outcomes:
        if not o.ok:
            print(f"\nFAIL {o.name}, round {o.round} ({statuses_text(o.statuses) or 'no requests'}): "
                  f"{'; '.join(o.problems)}")
            print(f"last traceback in gunicorn's log during this race (library frames left out):\n{o.traceback}"
                  if o.traceback
                  else "(gunicorn logged no traceback during this race)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="repeat each race on fresh objects (default 3)")
    parser.add_argument("--threads", type=int, default=8,
                        help="gunicorn threads per worker (default 8): with -w 2, 16 requests are inside the app "
                             "at once; 1 gives plain sync workers (2 at once)")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="PostgreSQL server (SQLAlchemy URL); a races_<pid> database is created on it "
                             f"and dropped afterwards (default {DEFAULT_SERVER})")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database = Database(args.database_url, f"races_{os.getpid()}")
    env = dict(os.environ, DATABASE_URL=database.url, SECRET_KEY=secrets.token_hex(32),
               LOGIN_RATE_LIMIT=RATE_LIMIT, SIGNUP_RATE_LIMIT=RATE_LIMIT)
    env.pop("PYTHONPATH", None)
    print(f"race check — {THREADS} simultaneous identical requests per write, {args.rounds} round(s); "
          f"gunicorn -w 2 --threads {args.threads}; database {database.name} on {make_url(database.url).render_as_string().split('@')[-1]}")
    logdir = Path(tempfile.mkdtemp(prefix="bench-races-"))
    server = None
    database.create()
    try:
        build_schema(database, env)
        server = Gunicorn("races", "app:app", env, logdir, extra=("--threads", str(args.threads)))
        server.wait_ready("/")
        outcomes = []
        for number in range(1, args.rounds + 1):
            rnd = new_round(number, server, database, env)
            for spec in RACES:
                outcomes.append(race(rnd, server, **spec))
                print(f"  round {number} {spec['name']}: {verdict(outcomes[-1].ok)}", flush=True)
        print_report(outcomes)
        failed = sum(1 for o in outcomes if not o.ok)
        print(f"\nRESULT: {'FAIL' if failed else 'PASS'} ({len(outcomes) - failed}/{len(outcomes)} races held)")
        return 1 if failed else 0
    finally:
        if server is not None:
            try:
                server.stop()
            except Exception as exc:  # noqa: BLE001  still drop the database
                print(f"warning: stopping gunicorn (pid {server.proc.pid}): {exc}")
        database.drop()
        shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
