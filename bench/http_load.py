"""Benchmark: pages per second under gunicorn, against a bare Flask app served the same way.

Target: a study page (/kp/kp-plan-concept) reaches at least half the requests/s of a
bare Flask "hello" app (bench/hello_app.py), both under `gunicorn -w 2` on loopback,
both loaded with `wrk -t2 -c32 -d10s` in the same run.

The app caches whole pages for guests (training/pagecache.py), so the "app" rows are
what a guest gets as shipped; "nocache" rows (PAGE_CACHE_ENTRIES=0) show the cost of a
full render and are informational.

    .venv/bin/python bench/http_load.py   # DATABASE_URL honoured, else a temp SQLite file
"""
# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench._common import (
    load_shipped_content,
    BENCH_SECRET,
    ROOT,
    database_url,
    describe_url,
    make_app,
    verdict,
)

WRK = shutil.which("wrk") or ("/usr/bin/wrk" if os.path.exists("/usr/bin/wrk") else None)
GUNICORN = next((p for p in (str(ROOT / ".venv" / "bin" / "gunicorn"), os.path.join(os.path.dirname(sys.executable), "gunicorn"))
                 if os.path.exists(p)), str(ROOT / ".venv" / "bin" / "gunicorn"))  # this checkout's venv, else the running one
HOST = "127.0.0.1"
WRK_ARGS = ["-t2", "-c32", "-d10s", "--latency", "--timeout", "5s"]
TARGET_RATIO = 0.5
STUDY = "/kp/kp-plan-concept"
SEARCH = "/search?q=%E6%8A%95%E8%AF%89"
APP_PATHS = [STUDY, "/cases/case-plan-write-service-plan", SEARCH]
NOCACHE_PATHS = [STUDY, SEARCH]  # informational rows: app started with PAGE_CACHE_ENTRIES=0


def stop_all(servers) -> None:
    """Stop every server started, whatever happened to the others."""
    for s in servers:
        try:
            s.stop()
        except Exception as exc:  # noqa: BLE001  keep stopping the others
            print(f"warning: stopping gunicorn {s.name} (pid {s.proc.pid}): {exc}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5.0) -> tuple[int, int]:
    """(status, body bytes) of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, len(r.read())
    except urllib.error.HTTPError as e:
        return e.code, len(e.read() or b"")


class Gunicorn:
    """One gunicorn master (+2 workers) in its own process group; always stopped by its pid."""

    def __init__(self, name: str, target: str, env: dict[str, str], logdir: Path, extra: tuple[str, ...] = ()):
        self.name, self.port = name, free_port()
        logdir.mkdir(parents=True, exist_ok=True)
        self.log_path = logdir / f"gunicorn-{name}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [GUNICORN, "-w", "2", *extra, "-b", f"{HOST}:{self.port}", target],
            cwd=str(ROOT), env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, path: str = "/", timeout: float = 180.0) -> None:
        """Wait for a 200 on `path`. A readiness wait, not a measurement: CI runs this beside the test suites
        on two cores, where a cold gunicorn once did not answer within 30 s. One request is in flight at
        a time and it is given the time left, so a slow first answer is awaited, not abandoned and asked
        again (abandoned requests only pile more work on the busy workers)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                status, _ = fetch(self.base + path, timeout=max(left, 1.0))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer {path} within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, n: int = 20) -> str:
        self.log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # master stops its workers gracefully
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created for it
                self.proc.wait(timeout=5)
        self.log.close()


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(value: str) -> float:
    m = re.match(r"^([\d.]+)(us|ms|s|m)$", value)
    return float(m.group(1)) * UNITS_MS[m.group(2)] if m else float("nan")


def run_wrk(url: str, args: list[str] | None = None, headers: dict[str, str] | None = None) -> dict:
    extra = [x for name, value in (headers or {}).items() for x in ("-H", f"{name}: {value}")]
    out = subprocess.run([WRK, *(args or WRK_ARGS), *extra, url], check=False, capture_output=True, text=True,
                         timeout=120)
    text = out.stdout + out.stderr
    res = {"url": url, "raw": text, "rps": float("nan"), "avg": float("nan"), "p50": float("nan"),
           "p99": float("nan"), "max": float("nan"), "requests": 0, "non2xx": 0, "errors": 0}
    if m := re.search(r"Requests/sec:\s*([\d.]+)", text):
        res["rps"] = float(m.group(1))
    if m := re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.MULTILINE):
        res["avg"], res["max"] = to_ms(m.group(1)), to_ms(m.group(3))
    if m := re.search(r"^\s*50%\s+(\S+)", text, re.MULTILINE):
        res["p50"] = to_ms(m.group(1))
    if m := re.search(r"^\s*99%\s+(\S+)", text, re.MULTILINE):
        res["p99"] = to_ms(m.group(1))
    if m := re.search(r"(\d+) requests in", text):
        res["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text):
        res["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        res["errors"] = sum(int(x) for x in m.groups())
    return res


def main() -> int:
    if not WRK:
        print("wrk is not installed. Install it with:  apt-get install -y wrk")
        print("RESULT: SKIPPED")
        return 0
    if not os.path.exists(GUNICORN):
        print(f"gunicorn not found at {GUNICORN}; install it in the venv: .venv/bin/pip install gunicorn")
        print("RESULT: SKIPPED")
        return 0
    url, tmp_db = database_url()
    print(f"http benchmark — database: {describe_url(url)}; gunicorn -w 2 on {HOST}; wrk {' '.join(WRK_ARGS)}")
    print(f"cores: {os.cpu_count()} (wrk shares them with gunicorn; both apps are measured the same way)")
    from training.extensions import db

    results: list[tuple[str, str, dict]] = []
    servers: list[Gunicorn] = []
    app = None
    logdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        # Build the schema and load content/ into the database the app will serve.
        app = make_app(url)
        with app.app_context():
            if not load_shipped_content():
                return 0
            db.session.remove()
            db.engine.dispose()

        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=BENCH_SECRET)
        env.pop("PYTHONPATH", None)
        # One server at a time, so the one under load has the machine to itself.
        hello = Gunicorn("hello", "bench.hello_app:app", env, logdir)
        servers.append(hello)
        hello.wait_ready("/")
        results.append(("hello", "/", run_wrk(hello.base + "/")))
        hello.stop()

        study = Gunicorn("app", "app:app", env, logdir)
        servers.append(study)
        study.wait_ready("/")
        for path in APP_PATHS:
            status, size = fetch(study.base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}, not 200:\n{study.tail()}")
            results.append(("app", path, dict(run_wrk(study.base + path), size=size)))
        study.stop()

        # Informational: the same app with its guest page cache turned off, so every request renders.
        nocache = Gunicorn("nocache", "app:app", dict(env, PAGE_CACHE_ENTRIES="0"), logdir)
        servers.append(nocache)
        nocache.wait_ready("/")
        for path in NOCACHE_PATHS:
            status, size = fetch(nocache.base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} with the cache off:\n{nocache.tail()}")
            results.append(("nocache", path, dict(run_wrk(nocache.base + path), size=size)))
        nocache.stop()
    finally:
        stop_all(servers)
        if tmp_db is None and app is not None:
            with app.app_context():
                db.session.remove()
                db.drop_all()
        if tmp_db:
            shutil.rmtree(tmp_db, ignore_errors=True)
        shutil.rmtree(logdir, ignore_errors=True)

    hello_rps = results[0][2]["rps"]
    print()
    print(f"{'app':7} {'path':42} {'req/s':>9} {'vs hello':>9} {'avg ms':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'requests':>9} {'non-2xx':>8} {'sock err':>8}")
    for name, path, r in results:
        print(f"{name:7} {path:42} {r['rps']:9.1f} {r['rps'] / hello_rps:9.2f} {r['avg']:8.2f} {r['p50']:8.2f} "
              f"{r['p99']:8.2f} {r['max']:8.2f} {r['requests']:9d} {r['non2xx']:8d} {r['errors']:8d}")
    sizes = ", ".join(f"{p} {r['size']} B" for n, p, r in results if n == "app")
    print(f"\npage sizes: {sizes}")
    study_rps = next(r["rps"] for name, p, r in results if name == "app" and p == STUDY)
    if any(name == "nocache" for name, _, _ in results):
        uncached = next(r["rps"] for name, p, r in results if name == "nocache" and p == STUDY)
        print(f"(app = as shipped, guest page cache on; nocache = PAGE_CACHE_ENTRIES=0, every request renders: "
              f"study/hello uncached = {uncached / hello_rps:.3f}, informational)")
    ratio = study_rps / hello_rps
    bad = [f"{n} {p}" for n, p, r in results if r["non2xx"] or r["errors"]]
    if bad:
        print(f"WARNING: non-2xx responses or socket errors on: {', '.join(bad)}")
    ok = ratio >= TARGET_RATIO
    print(f"ratio study/hello = {study_rps:.1f} / {hello_rps:.1f} = {ratio:.3f} "
          f"(target >= {TARGET_RATIO}): {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
