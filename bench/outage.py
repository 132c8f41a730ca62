"""Database outage, for real: a PostgreSQL cluster of our own is stopped under a running app.

1. initdb a cluster in a temp dir on its own port, build it with `flask setup --demo`, serve
   the app with gunicorn (2 workers) on it.
2. In Chromium (Playwright): sign in as the demo candidate, start a 理论知识 paper, answer the
   first BEFORE items (each saved by the page's script); a guest reads /areas/plan (cached).
3. Stop the cluster (pg_ctl stop -m fast). Answer DURING more items: the page shows its banner
   and keeps them in the browser. Check: a signed-in page is a 503 in Chinese with Retry-After,
   the exam autosave (JSON) is a JSON 503, a cached guest page is served stale (200), an uncached
   one is a 503. Screenshots of the 503 page and the banner on a 360x740 phone go to --shots.
4. Reload the exam page while the database is still down (the candidate sees the 503 page), then
   start the cluster again. Open the exam page: the script restores what the browser kept and
   re-sends it; no app restart (idle connections are pinged: training/dbconn.py). Hand in.
5. Count with SQL: every item answered before and during the outage is in the attempt, with the
   option that was clicked, and the report page lists them as answered.

    .venv/bin/python bench/outage.py [--shots DIR]

Needs PostgreSQL's server binaries (initdb, pg_ctl), gunicorn, and Debian's chromium with
Playwright. Exit status 1 on any failed check. Run as root, the cluster runs as user postgres.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import psycopg  # noqa: E402

from bench._common import BENCH_SECRET, ROOT  # noqa: E402
from bench.http_load import Gunicorn, free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WAIT = 90  # seconds any one wait may take (a readiness wait, never a speed check)
DEMO_USER, DEMO_PASSWORD = "student@demo.local", "demo-student-2026"
# In the shipped 理论知识 blueprint items 1–60 are 单选 (1–8 职业道德) and 61–80 多选.
BEFORE, DURING = [0, 1, 20, 21, 70], [2, 22, 23, 71]
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


class Cluster:
    """A throw-away PostgreSQL cluster; as root, its files and server belong to user postgres."""

    def __init__(self, root: Path):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(bins[-1]).parent if bins else Path(shutil.which("initdb") or "initdb").parent
        self.dir, self.port = root / "pgdata", free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        root.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            os.chmod(root.parent, 0o755)  # mkdtemp's 0700 would keep user postgres out
            shutil.chown(root, "postgres")
        self.run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir), "-w", "-l", str(self.dir.parent / "pg.log"), "-o",
                 f"-p {self.port} -k {self.dir.parent} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, str]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def answer(page, index: int) -> str:
    """Click the second option of item `index`; returns the value clicked."""
    box = page.locator(f'.exam-item[data-index="{index}"] input[type=radio], '
                       f'.exam-item[data-index="{index}"] input[type=checkbox]').nth(1)
    box.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the clock and the answer sheet
    box.check(force=True)
    return box.get_attribute("value")


def poll(page, expression: str, timeout: float) -> bool:
    """Wait until the expression is true in the page (wait_for_function would need 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(f"() => Boolean({expression})"):
            return True
        time.sleep(0.2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shots", default=None, help="folder for the phone screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="outage-"))
    shots = Path(args.shots) if args.shots else tmp / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(tmp / "pg")
    cluster.start()
    env = {**os.environ, "DATABASE_URL": cluster.url, "SECRET_KEY": BENCH_SECRET, "PAGE_CACHE_CHECK_SECONDS": "0"}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "setup", "--demo"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    server = Gunicorn("outage", "app:app", env, tmp, ("--threads", "4"))
    clicked: dict[int, str] = {}
    try:
        started = time.monotonic()
        server.wait_ready()
        base = server.base
        print(f"app on {base} (first answer after {time.monotonic() - started:.1f} s), "
              f"PostgreSQL cluster on port {cluster.port} ({cluster.dir})")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
            page = phone.new_page()
            # Waits, not measurements: .ci/run runs this beside the test suites, on two cores.
            page.set_default_timeout(WAIT * 1000)
            page.on("dialog", lambda d: d.accept())
            page.goto(base + "/auth/login")
            page.fill("#username", DEMO_USER)
            page.fill("#password", DEMO_PASSWORD)
            page.click("main form button.primary")
            page.wait_for_load_state()
            page.goto(base + "/mock/")
            page.locator("form[action*='/mock/start/'] button").first.click()
            page.wait_for_url("**/mock/a/*")
            sit_url = page.url
            attempt_id = int(sit_url.rstrip("/").rsplit("/", 1)[1])
            for i in BEFORE:
                clicked[i] = answer(page, i)
            check(poll(page, f"{BEFORE}.every(i => document.querySelector("
                             f"`.exam-item[data-index=\"${{i}}\"] .saved-flag`).textContent === '已保存')", WAIT),
                  f"before the outage: {len(BEFORE)} items saved by the page")
            guest_urls = ("/areas/plan", "/kp/kp-plan-concept")
            # Both workers must cache the guest pages. One request after another may all be taken by the
            # same worker (it happened on a busy machine: a 503 from the other one below); eight at a time
            # keep one worker busy while the other accepts.
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda u: get(base + u), [u for _ in range(40) for u in guest_urls]))
            cookie = "; ".join(f"{c['name']}={c['value']}" for c in phone.cookies())

            print("stopping PostgreSQL")
            cluster.stop()
            for i in DURING:
                clicked[i] = answer(page, i)
            page.wait_for_selector("#offline-banner", state="visible")
            page.locator(f'.exam-item[data-index="{DURING[-1]}"]').scroll_into_view_if_needed()
            page.evaluate("() => window.scrollBy(0, -200)")
            page.screenshot(path=str(shots / "outage-exam-banner-phone.png"))
            kept = page.evaluate("Object.keys(JSON.parse(localStorage.getItem('exam:' + "
                                 "document.getElementById('paper').dataset.save) || '{}')).map(Number)")
            check(set(DURING) <= set(kept), f"items answered during the outage are kept in the browser: {sorted(kept)}")

            status, headers, body = get(base + "/practice/", {"Cookie": cookie})
            check(status == 503 and "系统维护中" in body and headers.get("Retry-After") == "30",
                  f"signed-in page: {status}, Chinese maintenance page, Retry-After {headers.get('Retry-After')}")
            status, headers, body = get(base + f"/mock/a/{attempt_id}/save", {"Cookie": cookie, "Accept": "application/json"},
                                        data=b"index=0")
            check(status == 503 and json.loads(body).get("status") == 503, f"exam autosave (JSON): {status} {body[:80]}")
            for u in guest_urls:
                status, headers, body = get(base + u)
                check(status == 200 and headers.get("X-Served-Stale") == "1", f"cached guest page {u}: {status}, stale")
            status, _, body = get(base + "/areas/team")
            check(status == 503 and "系统维护中" in body, f"uncached guest page /areas/team: {status}")
            page.goto(sit_url)  # the candidate reloads: the 503 page, in Chinese, on the phone
            check("系统维护中" in page.content(), "reloading the exam page shows the maintenance page")
            page.screenshot(path=str(shots / "outage-503-phone.png"), full_page=True)

            print("starting PostgreSQL again")
            cluster.start()
            page.goto(sit_url)  # no app restart: the idle-connection ping finds the new server
            check(poll(page, "!localStorage.getItem('exam:' + document.getElementById('paper').dataset.save)", WAIT),
                  "back on the exam page, the script re-sent everything the browser kept")
            page.click("#paper button[type=submit]")
            page.wait_for_url("**/report")
            report = page.content()
            browser.close()

        with psycopg.connect(cluster.url.replace("+psycopg", "")) as conn:
            rows = dict(conn.execute("SELECT slot, answer FROM responses WHERE exam_attempt_id = %s", (attempt_id,)).fetchall())
            submitted = conn.execute("SELECT submitted_at IS NOT NULL FROM exam_attempts WHERE id = %s",
                                     (attempt_id,)).fetchone()[0]
        check(submitted, "the paper was handed in")
        for i, value in sorted(clicked.items()):
            stored = rows.get(i)
            ok = stored == value or (isinstance(stored, bool) and str(stored).lower() == value) or stored == [value]
            check(ok, f"item {i + 1} ({'before' if i in BEFORE else 'during'} the outage): clicked {value!r}, stored {stored!r}")
        check("得分" in report or "成绩" in report, "the report page is shown")
    finally:
        server.stop()
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(tmp / "pg", ignore_errors=True)
    print(f"screenshots: {shots}")
    print("PASS" if not failures else f"FAIL ({len(failures)} checks)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
