"""Password guessing against the login form: how many guesses get checked per minute.

The app runs under `gunicorn -w 2 --threads 4` on a fresh SQLite database with the demo accounts,
once with the in-memory limiter (no Redis: each worker counts on its own) and once with Redis
(REDIS_URL: workers share the per-address counts). For each, three attacks of --seconds each, with
--threads concurrent guessers:
  one address     the demo candidate's account, every guess from 127.0.0.1
  many addresses  the same account, each guess from its own source address (127.0.1.1, … on loopback)
  many accounts   one address spraying a different login name each time (what only the address limit stops)
A guess "got through" when the password was actually checked (the page says 登录名或密码不正确);
refused guesses are 429 (address limit or account throttle). Figures are per minute.

    .venv/bin/python bench/bruteforce.py [--seconds 60] [--threads 8] [--redis redis://127.0.0.1:6379/14]
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from bench._common import BENCH_SECRET, ROOT  # noqa: E402
from bench.http_load import Gunicorn  # noqa: E402

VICTIM = "student@demo.local"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def guess(port: int, source: str, n: int, spray: bool = False) -> str:
    """One full attempt as a browser makes it: GET the form (cookie + token), POST a wrong password."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15, source_address=(source, 0))
    try:
        conn.request("GET", "/auth/login")
        r = conn.getresponse()
        page = r.read().decode()
        cookie = (r.getheader("Set-Cookie") or "").split(";")[0]
        token = CSRF.search(page).group(1)
        body = urlencode({"username": f"user{n}@example.cn" if spray else VICTIM, "password": f"guess-{n}-x",
                          "csrf_token": token})
        conn.request("POST", "/auth/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        r = conn.getresponse()
        text = r.read().decode()
        if r.status == 400 and "登录名或密码不正确" in text:
            return "checked"
        return f"{r.status}" + (" account" if "密码错误次数过多" in text else "")
    except OSError as exc:
        return type(exc).__name__
    finally:
        conn.close()


def attack(port: int, seconds: float, threads: int, kind: str) -> Counter:
    counts: Counter = Counter()
    lock = threading.Lock()
    serial = itertools.count()
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            n = next(serial)
            source = f"127.0.{1 + n // 250 % 250}.{1 + n % 250}" if kind == "many addresses" else "127.0.0.1"
            outcome = guess(port, source, n, spray=kind == "many accounts")
            with lock:
                counts[outcome] += 1
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    rows = []
    for storage in ("memory", "redis"):
        for kind in ("one address", "many addresses", "many accounts"):
            tmp = Path(tempfile.mkdtemp(prefix="brute-"))
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite'}", "SECRET_KEY": BENCH_SECRET}
            env.pop("REDIS_URL", None)
            if storage == "redis":
                import redis
                redis.Redis.from_url(args.redis).flushdb()
                env["REDIS_URL"] = args.redis
            subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "setup", "--demo"], cwd=ROOT, env=env,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            server = Gunicorn(f"brute-{storage}", "app:app", env, tmp, ("--threads", "4"))
            try:
                server.wait_ready("/auth/login")
                counts = attack(server.port, args.seconds, args.threads, kind)
                if any(k.startswith("5") for k in counts):
                    print(server.tail(60))
            finally:
                server.stop()
                shutil.rmtree(tmp, ignore_errors=True)
            per_min = 60 / args.seconds
            rows.append((storage, kind, counts["checked"] * per_min,
                         sum(counts.values()) * per_min, dict(counts)))
            print(f"{storage:7} {rows[-1][1]:15} checked {rows[-1][2]:7.1f}/min of {rows[-1][3]:7.1f} tried/min  "
                  f"{dict(counts)}", flush=True)
    print("\nguesses that reached the password check, per minute (limits: per address 20/min + 200/h on failures;"
          " per account 5 free, then 30 s doubling to 15 min)")
    for storage, kind, checked, tried, _ in rows:
        print(f"  {storage:7} {kind:15} {checked:7.1f}  (of {tried:.0f} tried)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
