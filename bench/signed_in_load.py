"""Benchmark: what a signed-in candidate sees, per second, against flaskr's logged-in index.

Target (issue 12): signed in as a candidate with 5 000 answers, each page below reaches at least
1.0 of the requests/s of flaskr's logged-in index (bench/flaskr_app.py: Flask's tutorial app, one
query for the user, one for the posts, one template), and 0.5 of a bare Flask hello
(bench/hello_app.py), on SQLite and on PostgreSQL. Every server runs under `gunicorn -w 2` on
loopback, loaded by wrk with the session cookie that the real login form gave.

The machine is shared, so absolute figures mean little: every round measures hello, flaskr and
each page back to back (baseline, app, baseline, app …), the ratio of a page is taken against
the flaskr run of the same round, and the table shows the median over rounds (and the worst).

    /work/main/.venv/bin/python bench/signed_in_load.py --db sqlite \
        --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_perf2 --rounds 5 --seconds 5

On PostgreSQL give it a database of its own: it drops and recreates every table in it.
"""
from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import http.cookiejar
import random
import re
import shutil
import statistics
import tempfile
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from bench._common import BENCH_SECRET, describe_url, load_shipped_content, make_app
from bench.http_load import GUNICORN, WRK, Gunicorn, run_wrk, stop_all

ANSWERS = 5000
USERNAME, PASSWORD = "bench-progress@example.com", "bench-progress-password"  # bench.progress_page.seed_learner
NICKNAME = "进度测试"
TARGET_FLASKR, TARGET_HELLO = 1.0, 0.5
# The same User-Agent for the login and for wrk, as a browser would send: Flask-Login's session
# protection ties the session to it, and a mismatch rewrites the cookie on every response.
USER_AGENT = "bench-signed-in/1.0"


def seed_app(url: str) -> dict[str, str]:
    """Fresh schema, shipped content, the candidate with 5 000 answers and a practice set; the paths to load."""
    from bench.progress_page import seed_learner
    from training.extensions import db
    from training.models import Area, PracticeFilters, PracticeSession, Question, Topic

    app = make_app(url)
    with app.app_context():
        if not load_shipped_content():
            raise SystemExit(1)
        user_id = seed_learner(db.session, ANSWERS, datetime.now(timezone.utc), random.Random(20260501))
        live = db.session.execute(db.select(Question.id).where(Question.retired.is_(False))
                                  .order_by(Question.position).limit(20)).scalars().all()
        ps = PracticeSession(user_id=user_id, filter_key="bench-signed-in", filters=PracticeFilters(),
                             question_ids=live, shuffled=False)
        db.session.add(ps)
        db.session.commit()
        topic = db.session.execute(db.select(Topic.id).where(Topic.retired.is_(False)).order_by(Topic.position)
                                   .limit(1)).scalar()
        area = db.session.execute(db.select(Area.id).where(Area.retired.is_(False)).order_by(Area.position)
                                  .limit(1)).scalar()
        paths = {"home": "/", "kp": f"/kp/{topic}", "area": f"/areas/{area}", "practice": f"/practice/s/{ps.id}",
                 "search": "/search?q=" + urllib.parse.quote("投诉"), "progress": "/progress/"}
        db.session.remove()
        db.engine.dispose()
    return paths


def seed_flaskr(database: str) -> None:
    os.environ["FLASKR_DATABASE"] = database
    import importlib

    import bench.flaskr_app as flaskr
    flaskr = importlib.reload(flaskr)  # picks up FLASKR_DATABASE
    with flaskr.app.app_context():
        flaskr.seed(USERNAME, PASSWORD)
        if flaskr._pg is not None:
            flaskr._pg.close()
            flaskr._pg = None


def log_in(base: str, form_path: str, fields: dict[str, str], csrf: bool) -> str:
    """Log in through the real form and read the home page once (it shows, and so clears, the welcome
    flash); the Cookie header the session then has."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + form_path, timeout=10).read().decode()
    if csrf:
        fields = dict(fields, csrf_token=re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1))
    opener.open(base + form_path, data=urllib.parse.urlencode(fields).encode(), timeout=10).read()
    opener.open(base + "/", timeout=10).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if not cookie:
        raise RuntimeError(f"no session cookie after logging in at {base}{form_path}")
    return cookie


def check(base: str, path: str, cookie: str, must: str) -> int:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
        if response.status != 200 or must not in body:
            raise RuntimeError(f"{base}{path} answered {response.status} without {must!r}: not signed in?")
        if response.headers.get("Set-Cookie"):
            raise RuntimeError(f"{base}{path} rewrote the session cookie on a plain GET")
        return len(body)


def headers(cookie: str | None) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}


def measure(url: str, logdir: Path, rounds: int, wrk_args: list[str]) -> list[dict]:
    """Start hello, flaskr and the app; `rounds` rounds of hello, flaskr, each page; one result row per run."""
    from training.extensions import db  # noqa: F401  (import order: the app package first)
    tmp = None
    if url == "sqlite":
        tmp = tempfile.mkdtemp(prefix="bench-signed-in-")
        app_url, flaskr_db = f"sqlite:///{tmp}/app.sqlite", f"{tmp}/flaskr.sqlite"
    else:
        app_url, flaskr_db = url, url
    servers: list[Gunicorn] = []
    rows: list[dict] = []
    try:
        paths = seed_app(app_url)
        seed_flaskr(flaskr_db)
        env = dict(os.environ, DATABASE_URL=app_url, SECRET_KEY=BENCH_SECRET, FLASKR_DATABASE=flaskr_db)
        env.pop("PYTHONPATH", None)
        hello = Gunicorn("hello", "bench.hello_app:app", env, logdir)
        flaskr = Gunicorn("flaskr", "bench.flaskr_app:app", env, logdir)
        app = Gunicorn("app", "app:app", env, logdir)
        servers += [hello, flaskr, app]
        for s in servers:
            s.wait_ready("/auth/login" if s is not hello else "/")
        flaskr_cookie = log_in(flaskr.base, "/auth/login", {"username": USERNAME, "password": PASSWORD}, csrf=False)
        app_cookie = log_in(app.base, "/auth/login", {"username": USERNAME, "password": PASSWORD}, csrf=True)
        check(flaskr.base, "/", flaskr_cookie, USERNAME)
        targets = [("hello", hello.base + "/", None), ("flaskr", flaskr.base + "/", flaskr_cookie)]
        for name, path in paths.items():
            check(app.base, path, app_cookie, NICKNAME)
            targets.append((name, app.base + path, app_cookie))
        for name, target, cookie in targets:  # warm every worker's caches once
            run_wrk(target, ["-t1", "-c4", "-d1s"], headers(cookie))
        for n in range(rounds):
            load = os.getloadavg()[0]
            for name, target, cookie in targets:
                r = run_wrk(target, wrk_args, headers(cookie))
                rows.append(dict(r, name=name, round=n, load=load))
                if r["non2xx"] or r["errors"]:
                    print(f"  warning: {name} round {n}: {r['non2xx']} non-2xx, {r['errors']} socket errors")
            print(f"  round {n + 1}/{rounds} done (load average {load:.2f})", flush=True)
    finally:
        stop_all(servers)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def table(rows: list[dict]) -> tuple[str, list[str]]:
    rounds = sorted({r["round"] for r in rows})
    by = {(r["name"], r["round"]): r for r in rows}
    names = list(dict.fromkeys(r["name"] for r in rows))
    lines = [f"{'page':9} {'req/s':>8} {'/flaskr':>8} {'worst':>7} {'/hello':>7} {'p99 ms':>8} {'flaskr p99':>10}  verdict"]
    failed = []
    for name in names:
        rps = [by[name, n]["rps"] for n in rounds]
        vs_flaskr = [by[name, n]["rps"] / by["flaskr", n]["rps"] for n in rounds]
        vs_hello = [by[name, n]["rps"] / by["hello", n]["rps"] for n in rounds]
        p99 = statistics.median(by[name, n]["p99"] for n in rounds)
        flaskr_p99 = statistics.median(by["flaskr", n]["p99"] for n in rounds)
        ok = name in ("hello", "flaskr") or (statistics.median(vs_flaskr) >= TARGET_FLASKR)
        if not ok:
            failed.append(name)
        lines.append(f"{name:9} {statistics.median(rps):8.0f} {statistics.median(vs_flaskr):8.2f} {min(vs_flaskr):7.2f} "
                     f"{statistics.median(vs_hello):7.2f} {p99:8.1f} {flaskr_p99:10.1f}  "
                     f"{'' if name in ('hello', 'flaskr') else ('ok' if ok else 'BELOW 1.0')}")
    loads = [r["load"] for r in rows]
    lines.append(f"({len(rounds)} rounds; load average 1 min at round start: median {statistics.median(loads):.2f}, "
                 f"max {max(loads):.2f})")
    return "\n".join(lines), failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="'sqlite' (a temp file) or a PostgreSQL URL; repeatable")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not WRK or not os.path.exists(GUNICORN):
        print(f"needs wrk ({WRK}) and gunicorn ({GUNICORN})\nRESULT: SKIPPED")
        return 0
    wrk_args = ["-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "--timeout", "5s"]
    print(f"signed-in pages vs flaskr; gunicorn -w 2; wrk {' '.join(wrk_args)}; {os.cpu_count()} cores (shared)")
    logdir = Path(tempfile.mkdtemp(prefix="bench-signed-in-logs-"))
    all_failed = []
    try:
        for url in args.db or ["sqlite"]:
            print(f"\n[{describe_url(url)}] seeding {ANSWERS} answers, then {args.rounds} rounds", flush=True)
            text, failed = table(measure(url, logdir, args.rounds, wrk_args))
            print(text)
            all_failed += [f"{describe_url(url)} {name}" for name in failed]
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    print(f"\nRESULT: {'PASS' if not all_failed else 'FAIL (' + ', '.join(all_failed) + ')'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
