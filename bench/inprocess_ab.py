"""Diagnostic: CPU per signed-in request, in one process, against flaskr's logged-in index (issue 12).

bench/signed_in_load.py is the judge (gunicorn -w 2 and wrk), but on a shared machine its ratios swing
with whatever else runs. This script takes the server and the network out: the same signed-in candidate
with 5 000 answers (bench.signed_in_load.seed_app) and flaskr's index are requested through Flask's test
client, in interleaved batches (flaskr, page, page, …, flaskr, …), and CPU time of this process per
request is compared batch by batch. What is left is what the app itself costs per request, so a change
can be judged in a few seconds even on a busy machine. The app runs as in production (read-only views
without a transaction); the queries per request are counted too.

    .venv/bin/python bench/inprocess_ab.py [--db sqlite|URL] [--batches 15] [--pages home,kp,…] [--profile kp]

On PostgreSQL give it a database of its own: it drops and recreates every table in it (flaskr's too).
"""
from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import re
import shutil
import statistics
import tempfile
import time

BATCH = 100  # requests per batch


def signed_in_client(app, user_agent: str, username: str, password: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    client.get("/")  # shows, and so clears, the welcome flash
    return client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--pages", default="")
    parser.add_argument("--profile", default="", help="also profile this page (cProfile, 2 000 requests)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-ab-")
    try:
        app_url, flaskr_db = ((f"sqlite:///{tmp}/app.sqlite", f"{tmp}/flaskr.sqlite") if args.db == "sqlite"
                              else (args.db, args.db))
        os.environ["FLASKR_DATABASE"] = flaskr_db
        from sqlalchemy import event

        import bench.flaskr_app as flaskr
        from bench import signed_in_load as s
        from bench._common import describe_url, make_app
        from training.extensions import db

        paths = s.seed_app(app_url)
        with flaskr.app.app_context():
            flaskr.seed(s.USERNAME, s.PASSWORD)
        flaskr_client = flaskr.app.test_client()
        flaskr_client.post("/auth/login", data={"username": s.USERNAME, "password": s.PASSWORD})
        app = make_app(app_url)
        app.config["READ_ONLY_AUTOCOMMIT"] = True  # as in production (the bench's config is the tests')
        client = signed_in_client(app, s.USER_AGENT, s.USERNAME, s.PASSWORD)
        wanted = [p for p in args.pages.split(",") if p] or list(paths)
        targets = [("flaskr", flaskr_client, "/")] + [(name, client, paths[name]) for name in wanted]
        queries = {"n": 0}
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: queries.__setitem__("n", queries["n"] + 1))
        per_query: dict[str, float] = {}
        for name, c, path in targets:
            for _ in range(30):  # warm caches and memos
                assert c.get(path).status_code == 200, (name, path)
            queries["n"] = 0
            for _ in range(BATCH):
                c.get(path)
            per_query[name] = queries["n"] / BATCH
        if args.profile:
            import cProfile
            import pstats
            name, c, path = next(t for t in targets if t[0] == args.profile)
            profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
            profiler.enable()
            for _ in range(2000):
                c.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
            stats.print_stats(int(os.environ.get("PROFILE_ROWS", "45")))
            if os.environ.get("PROFILE_CALLERS"):
                stats.print_callers(os.environ["PROFILE_CALLERS"])
        cpu: dict[str, list[float]] = {name: [] for name, _, _ in targets}
        for _ in range(args.batches):
            for name, c, path in targets:
                start = time.process_time()
                for _ in range(BATCH):
                    c.get(path)
                cpu[name].append((time.process_time() - start) * 1000 / BATCH)
        print(f"[{describe_url(app_url)}] CPU per request, {args.batches} interleaved batches of {BATCH}; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'page':9} {'ms/req':>8} {'flaskr/page':>12} {'worst':>7} {'queries':>8}")
        for name, values in cpu.items():
            ratios = [f / v for f, v in zip(cpu["flaskr"], values)]
            print(f"{name:9} {statistics.median(values):8.3f} {statistics.median(ratios):12.2f} {min(ratios):7.2f} "
                  f"{per_query.get(name, 0):8.1f}" if name != "flaskr" else
                  f"{name:9} {statistics.median(values):8.3f} {1.0:12.2f} {1.0:7.2f} {'-':>8}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
