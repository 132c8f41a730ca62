"""Load check for 课堂互动: N phones in one live session, against gunicorn (2 workers) on PostgreSQL.

The script makes its own database (classroom_<pid>) on the server, loads one area of content/, starts
`gunicorn -w 2 --threads T` on it and plays a whole session over loopback: the instructor (logged in
through the real form) starts each question, reveals it when every phone has answered or its time
is up, and moves on. The phones (asyncio and a small HTTP/1.1 client, up to 4 kept-alive connections
each) join with the code and a nickname, poll the state with ETag every LIVE_POLL_MS, and answer each
question at a random moment inside its window (60 % right); an answer the server turns away as late
counts as a failure here too. 5 % of the phones reload mid-question (page + state without ETag, then
rejoin through the join form with the token they kept); 5 % send every answer twice at once.

Afterwards it reads the database and checks: every answer a phone sent is stored exactly once
(0 lost, 0 duplicates, one player per phone), each stored answer is the one sent, with the right
score and the points the stated formula gives for its time, and each phone's total as the server
reported it equals the sum of its points. It prints N, answers expected/stored, join/poll/answer
p50/p99 in ms, requests/s, and CPU seconds and peak RSS of gunicorn (master + workers), PostgreSQL's
backends for this database and this script.

    .venv/bin/python bench/classroom_load.py --players 1000
    .venv/bin/python bench/classroom_load.py --players 50 --questions 3 --seconds 2 --lead 0.3 --poll-ms 300 \
        --reveal-pause 0.2 --join-spread 0.5 --answer-within 0.5     # tests/test_live_load.py

Targets (--players 1000): 0 lost, 0 duplicates, every score right, answer p99 < 150 ms, poll p99 <
100 ms. Exit status 1 if any correctness check fails; 2 if only a latency target is missed.
"""
# Run as a script: put the project root on sys.path so `bench.*` and `training` import.
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

from bench._common import BENCH_SECRET, CONTENT, make_app, percentile, reset_schema  # noqa: E402
from bench.http_load import Gunicorn  # noqa: E402
from bench.races import Database  # noqa: E402

try:
    import aiohttp
except ImportError:  # a dev-only dependency
    sys.exit("bench/classroom_load.py needs aiohttp: .venv/bin/pip install -r requirements-dev.txt")

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
AREA = "plan"
PASSWORD = "classroom-bench-2026"
TIMEOUT = aiohttp.ClientTimeout(total=30)
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


# ---------------------------------------------------------------- setting up


def load_one_area(url: str) -> tuple[list[dict], int]:
    """Fresh schema, the areas and one area's topics and questions; an instructor. (questions, owner id)."""
    from training.content.sync import sync_content
    from training.content.validate import read_content
    from training.extensions import db
    from training.models import Question, Role, User
    tmp = Path(tempfile.mkdtemp(prefix="classroom-content-"))
    try:
        shutil.copy(CONTENT / "areas.yaml", tmp / "areas.yaml")
        for part in ("topics", "questions"):
            shutil.copytree(CONTENT / part / AREA, tmp / part / AREA)
        content = read_content(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if content.problems:
        raise SystemExit(f"content/{AREA} does not validate: {content.problems[:3]}")
    app = make_app(url)
    with app.app_context():
        reset_schema()
        sync_content(db.session, content)
        owner = User(username="teacher@bench.local", nickname="讲师", role=Role.instructor)
        owner.set_password(PASSWORD)
        db.session.add(owner)
        db.session.commit()
        rows = db.session.execute(db.select(Question).where(Question.qtype.in_(("单选", "多选", "判断")))
                                  .order_by(Question.id)).scalars().all()
        questions = [{"id": q.id, "qtype": q.qtype, "answer": q.payload.answer,
                      "options": [o.key for o in q.payload.options]} for q in rows]
        owner_id = owner.id
        db.engine.dispose()
    return questions, owner_id


def make_session(url: str, owner_id: int, questions: list[dict], seconds: int, mode: str) -> tuple[int, str]:
    from training.extensions import db
    from training.live.service import create_session
    app = make_app(url)
    with app.app_context():
        live = create_session(db.session, owner_id, "压力测试", [q["id"] for q in questions], seconds, mode)
        db.session.commit()
        out = (live.id, live.code)
        db.engine.dispose()
    return out


def right_value(q: dict):
    if q["qtype"] == "判断":
        return "true" if q["answer"] else "false"
    return q["answer"]


def wrong_value(q: dict, rng: random.Random):
    if q["qtype"] == "判断":
        return "false" if q["answer"] else "true"
    right = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
    wrong = rng.choice([k for k in q["options"] if k not in right])
    return sorted(right[:-1] + [wrong]) if q["qtype"] == "多选" else wrong


def stored_form(q: dict, value):
    """The answer as the server stores it (判断 as a boolean, 多选 sorted)."""
    if q["qtype"] == "判断":
        return value == "true"
    return sorted(value) if isinstance(value, list) else value


# ---------------------------------------------------------------- measuring


@dataclass
class Stats:
    join: list[float] = field(default_factory=list)
    poll: list[float] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    status: dict[int, int] = field(default_factory=dict)
    lag: list[float] = field(default_factory=list)  # how late this script's own event loop woke up (ms)

    def count(self, status: int) -> None:
        self.requests += 1
        self.status[status] = self.status.get(status, 0) + 1


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def postgres_pids(database: Database) -> list[int]:
    rows = database._conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database.name,)).fetchall() \
        if database._conn else []
    return [r[0] for r in rows]


class Sampler:
    """CPU seconds and peak RSS of the gunicorn processes and this database's PostgreSQL backends."""

    def __init__(self, master: int, database: Database):
        self.master, self.database = master, database
        self.cpu: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self.peak_rss = 0.0
        self.pg_cpu: dict[int, float] = {}
        self.pg_start: dict[int, float] = {}

    def sample(self) -> None:
        pids = [self.master, *children(self.master)]
        for pid in pids:
            cpu = cpu_seconds(pid)
            self.start.setdefault(pid, cpu)
            self.cpu[pid] = cpu
        self.peak_rss = max(self.peak_rss, sum(rss_mb(p) for p in pids))
        try:
            for pid in postgres_pids(self.database):
                cpu = cpu_seconds(pid)
                self.pg_start.setdefault(pid, cpu)
                self.pg_cpu[pid] = cpu
        except Exception:  # noqa: BLE001  (not allowed to read another user's /proc, or the server is remote)
            pass

    def used(self) -> tuple[float, float]:
        app = sum(self.cpu[p] - self.start[p] for p in self.cpu)
        pg = sum(self.pg_cpu[p] - self.pg_start[p] for p in self.pg_cpu)
        return app, pg


# ---------------------------------------------------------------- a phone's HTTP client
#
# The phones' requests (some 100 000 in a run at N = 1000) go through this small HTTP/1.1 client rather than
# aiohttp: the script shares the machine's cores with the server it measures, and aiohttp spent about three
# times the CPU per request (0.12 against 0.05 ms for a kept-alive GET, measured against gunicorn's hello app).
# It sends the same requests a browser would: kept-alive connections (up to 4 per phone), cookies only where
# the page and the join form use them, Content-Length bodies, and it reads Content-Length or chunked answers.


class HttpError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names; Set-Cookie values in .cookies
    body: bytes
    cookies: list[str] = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode()


class _Connection(asyncio.Protocol):
    """One kept-alive connection; one request at a time."""

    def __init__(self):
        self.transport = None
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.closed = False
        self.head: tuple[int, dict[str, str], list[str]] | None = None
        self.need = 0  # body bytes wanted; -1: chunked

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.closed = True
        self._fail(HttpError("connection lost"))

    def _fail(self, exc: Exception) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    def _timeout(self) -> None:
        self.closed = True
        self.transport.close()
        self._fail(asyncio.TimeoutError())

    def data_received(self, data):
        self.buf += data
        if self.waiter is not None:
            self._parse()

    def _parse(self) -> None:
        buf = self.buf
        if self.head is None:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
            headers: dict[str, str] = {}
            cookies: list[str] = []
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name, value = name.strip().lower(), value.strip()
                if name == "set-cookie":
                    cookies.append(value)
                headers[name] = value
            del buf[:end + 4]
            status = int(lines[0][9:12])
            self.head = (status, headers, cookies)
            if headers.get("transfer-encoding", "").lower() == "chunked":
                self.need = -1
            else:
                self.need = 0 if status in (204, 304) else int(headers.get("content-length", 0))
        if self.need >= 0:
            if len(buf) < self.need:
                return
            body = bytes(buf[:self.need])
            del buf[:self.need]
        else:
            body = self._dechunk()
            if body is None:
                return
        status, headers, cookies = self.head
        self.head = None
        if headers.get("connection", "").lower() == "close":
            self.closed = True
            self.transport.close()
        waiter, self.waiter = self.waiter, None
        self.timer.cancel()
        if not waiter.done():
            waiter.set_result(Reply(status, headers, body, cookies))

    def _dechunk(self) -> bytes | None:
        buf, pos, out = self.buf, 0, []
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                return None
            size = int(bytes(buf[pos:end]).split(b";")[0], 16)
            if size == 0:
                last = buf.find(b"\r\n", end + 2)
                if last < 0:
                    return None
                del buf[:last + 2]
                return b"".join(out)
            if len(buf) < end + 4 + size:
                return None
            out.append(bytes(buf[end + 2:end + 2 + size]))
            pos = end + 4 + size

    def send(self, data: bytes, timeout: float) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        self.waiter = loop.create_future()
        self.timer = loop.call_later(timeout, self._timeout)
        self.transport.write(data)
        if self.buf:
            self._parse()
        return self.waiter


class Browser:
    """A phone's connections to the server (up to `limit` at once, kept alive) and its cookies."""

    def __init__(self, host: str, port: int, limit: int = 4, timeout: float = 30.0):
        self.host, self.port, self.limit, self.timeout = host, port, limit, timeout
        self.idle: list[_Connection] = []
        self.busy = 0
        self.freed: asyncio.Event | None = None
        self.cookies: dict[str, str] = {}

    async def _take(self) -> tuple[_Connection, bool]:
        while True:
            while self.idle:
                conn = self.idle.pop()
                if not conn.closed:
                    self.busy += 1
                    return conn, True
            if self.busy < self.limit:
                self.busy += 1
                try:
                    _, conn = await asyncio.get_running_loop().create_connection(_Connection, self.host, self.port)
                except BaseException:
                    self.busy -= 1
                    raise
                return conn, False
            if self.freed is None:
                self.freed = asyncio.Event()
            self.freed.clear()
            await self.freed.wait()

    def _give_back(self, conn: _Connection, ok: bool) -> None:
        self.busy -= 1
        if ok and not conn.closed:
            self.idle.append(conn)
        elif not conn.closed:
            conn.closed = True
            conn.transport.close()
        if self.freed is not None:
            self.freed.set()

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None, *, json_body=None,
                      form: dict[str, str] | None = None, cookies: bool = False) -> Reply:
        """cookies=False is the phone script's credentials: "omit" (polls and answers send none)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        body = b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            lines.append("Content-Type: application/json")
        elif form is not None:
            body = urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        if cookies and self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (0, 1):
            conn, reused = await self._take()
            ok = False
            try:
                reply = await conn.send(data, self.timeout)
                ok = True
            except HttpError:
                # a kept-alive connection the server closed just then: once more on a new one, as browsers do
                if not reused or attempt:
                    raise
                continue
            finally:
                self._give_back(conn, ok)
            if cookies:
                for line in reply.cookies:
                    name, _, value = line.split(";", 1)[0].partition("=")
                    self.cookies[name.strip()] = value.strip().strip('"')
            return reply
        raise HttpError("no connection")

    def close(self) -> None:
        for conn in self.idle:
            if not conn.closed:
                conn.transport.close()
        self.idle.clear()


# ---------------------------------------------------------------- the phones


@dataclass
class Phone:
    number: int
    reloader: bool
    doubler: bool
    token: str = ""
    player_token_pages: set = field(default_factory=set)
    sent: dict[int, object] = field(default_factory=dict)  # slot → answer value as sent
    accepted: dict[int, object] = field(default_factory=dict)  # slot → answer the server said it stored
    reported_total: int | None = None
    finished: bool = False


async def timed(stats: Stats, bucket: list[float], coro):
    started = time.perf_counter()
    try:
        response = await coro
    except Exception as exc:  # noqa: BLE001  no answer at all is a finding
        stats.errors.append(type(exc).__name__)
        return None
    bucket.append((time.perf_counter() - started) * 1000)
    stats.count(response.status)
    return response


async def join(browser: Browser, code: str, phone: Phone, stats: Stats, token: str = "") -> bool:
    """The join page, then its form (with the session cookie, as a browser); the token comes back as a cookie."""
    started = time.perf_counter()
    try:
        r = await browser.request("GET", f"/play/{code}", cookies=True)
        stats.count(r.status)
        csrf = CSRF.search(r.text()).group(1)
        data = {"csrf_token": csrf, "code": code, "nickname": f"手机{phone.number}", "token": token}
        r = await browser.request("POST", "/play/join", form=data, cookies=True)
        stats.count(r.status)
        if r.status != 302:
            stats.errors.append(f"join {r.status}")
            return False
        cookie = next((c.split(";", 1)[0].partition("=")[2] for c in r.cookies if c.startswith("live_")), None)
        if not cookie:
            stats.errors.append("join without a token cookie")
            return False
        phone.token = cookie.strip('"')
    except Exception as exc:  # noqa: BLE001
        stats.errors.append(f"join {type(exc).__name__}")
        return False
    stats.join.append((time.perf_counter() - started) * 1000)
    return True


async def send_answer(browser: Browser, sid, phone: Phone, slot: int, value, stats: Stats) -> None:
    body = {"slot": slot, "answer": value}
    headers = {"X-Player-Token": phone.token}
    phone.sent[slot] = value
    for attempt in range(4):  # a retry is safe: the server keeps the first answer
        response = await timed(stats, stats.answer, browser.request("POST", f"/play/s/{sid}/answer", headers,
                                                                    json_body=body))
        if response is None:
            await asyncio.sleep(0.3 * (attempt + 1))
            continue
        payload = response.json()
        if response.status == 200:
            phone.accepted[slot] = payload["answer"]
            return
        stats.rejected.append(f"{response.status} {payload.get('error')}")
        return


async def play(phone: Phone, server: tuple[str, int], sid: int, code: str, questions: list[dict], stats: Stats,
               poll_s: float, seconds: int, rng: random.Random, stop: asyncio.Event, join_spread: float,
               answer_within: float) -> None:
    # The page and the join form use cookies (CSRF, the token cookie); polls and answers send none, as the
    # phone's script does (credentials: "omit"). All share the phone's connections.
    browser = Browser(*server, limit=4)
    try:
        await asyncio.sleep(rng.random() * join_spread)  # people do not all join in the same millisecond
        if not await join(browser, code, phone, stats):
            return
        etag, answering = "", set()
        reload_at = rng.randrange(len(questions)) if phone.reloader else None
        tasks: list[asyncio.Task] = []
        state_path = f"/play/s/{sid}/state"
        while not stop.is_set():
            headers = {"X-Player-Token": phone.token}
            if etag:
                headers["If-None-Match"] = etag
            response = await timed(stats, stats.poll, browser.request("GET", state_path, headers))
            state = None
            if response is not None:
                if response.status == 200:
                    etag = response.headers.get("etag", "")
                    state = response.json()
                elif response.status != 304:
                    stats.errors.append(f"poll {response.status}")
            if state is not None:
                me = state.get("me", {})
                if "total" in me:
                    phone.reported_total = me["total"]
                if state["phase"] == "finished":
                    phone.finished = True
                    break
                q = state.get("question")
                if state["phase"] == "question" and q and q["slot"] not in answering and not me.get("answered"):
                    slot = q["slot"]
                    answering.add(slot)
                    opens = max(0.0, state["clock"]["opens_in_ms"] / 1000)
                    window = seconds * answer_within
                    delay = opens + 0.15 + rng.random() * max(0.1, window - 0.15)
                    value = right_value(questions[slot]) if rng.random() < 0.6 else wrong_value(questions[slot], rng)
                    tasks.append(asyncio.create_task(
                        answer_later(browser, sid, code, phone, slot, value, delay, stats,
                                     reload_now=slot == reload_at)))
            await asyncio.sleep(poll_s * (0.8 + rng.random() * 0.4))
        for task in tasks:
            await task
    finally:
        browser.close()


async def answer_later(browser: Browser, sid, code, phone: Phone, slot: int, value, delay: float, stats: Stats,
                       reload_now: bool) -> None:
    if reload_now:  # the page is reloaded (or the browser closed and opened) before answering
        await asyncio.sleep(delay / 2)
        r = await browser.request("GET", f"/play/{code}", cookies=True)
        stats.count(r.status)
        if f'data-token="{phone.token}"' not in r.text():
            stats.errors.append("reload: the page did not know the phone's token")
        kept = phone.token
        if not await join(browser, code, phone, stats, token=kept):
            return
        if phone.token != kept:
            stats.errors.append("reload: rejoined with a different token")
        r = await browser.request("GET", f"/play/s/{sid}/state", {"X-Player-Token": phone.token})
        stats.count(r.status)
        delay /= 2
    await asyncio.sleep(delay)
    if phone.doubler:
        await asyncio.gather(send_answer(browser, sid, phone, slot, value, stats),
                             send_answer(browser, sid, phone, slot, value, stats))
    else:
        await send_answer(browser, sid, phone, slot, value, stats)


# ---------------------------------------------------------------- the instructor


async def instructor(base: str, sid: int, total: int, players: int, grace: float, pause: float,
                     stats: Stats, stop: asyncio.Event) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=TIMEOUT) as http:
        async with http.get(f"{base}/auth/login") as r:
            token = CSRF.search(await r.text()).group(1)
        async with http.post(f"{base}/auth/login", data={"csrf_token": token, "username": "teacher@bench.local",
                                                          "password": PASSWORD}, allow_redirects=False) as r:
            if r.status != 302:
                raise RuntimeError(f"instructor login answered {r.status}")

        async def status() -> dict:
            async with http.get(f"{base}/live/{sid}/status") as r:
                return await r.json()

        async def control(action: str) -> None:
            async with http.get(f"{base}/live/{sid}") as r:
                page = await r.text()
            data = {"csrf_token": CSRF.search(page).group(1), "action": action,
                    "version": VERSION.search(page).group(1)}
            async with http.post(f"{base}/live/{sid}/control", data=data, allow_redirects=False) as r:
                if r.status != 302:
                    raise RuntimeError(f"control {action} answered {r.status}")

        waited = time.monotonic()
        while (await status())["players"] < players:  # everyone in (joins fail loudly in the phones' stats)
            if len(stats.errors) > players or time.monotonic() - waited > 60 + players / 20:
                break
            await asyncio.sleep(0.3)
        print(f"  {(await status())['players']} phones joined", flush=True)
        for slot in range(total):
            print(f"  question {slot + 1}/{total}", flush=True)
            await control("start" if slot == 0 else "next")
            while True:
                s = await status()
                if s.get("answered", 0) >= s["players"] or (s.get("closes_in_ms", 0) + grace * 1000) < 0:
                    break
                await asyncio.sleep(0.25)
            await control("reveal")
            await asyncio.sleep(pause)  # the room looks at the answer
        await control("next")  # after the last reveal: finished
        await asyncio.sleep(max(1.0, 2 * pause))
        stop.set()


# ---------------------------------------------------------------- checking the database


def check_database(database: Database, sid: int, phones: list[Phone], questions: list[dict], seconds: int,
                   mode: str) -> tuple[list[str], dict]:
    from training.grading.live import points_for
    conn = database._conn
    problems = []
    players = conn.execute("SELECT id, token_hash FROM live_players WHERE session_id = %s", (sid,)).fetchall()
    from training.live.service import token_hash
    by_hash = {h: pid for pid, h in players}
    rows = conn.execute("SELECT live_player_id, slot, answer, score, points, time_ms, question_id FROM responses "
                        "WHERE live_session_id = %s AND context = 'live'", (sid,)).fetchall()
    dupes = conn.execute("SELECT count(*) FROM (SELECT 1 FROM responses WHERE live_session_id = %s "
                         "GROUP BY live_player_id, slot HAVING count(*) > 1) d", (sid,)).fetchone()[0]
    stored = {(pid, slot): (answer, score, points, time_ms, qid) for pid, slot, answer, score, points, time_ms, qid in rows}
    expected = sum(len(p.sent) for p in phones)
    accepted = sum(len(p.accepted) for p in phones)
    lost = wrong = 0
    totals: dict[int, int] = {}
    limit = seconds * 1000
    for phone in phones:
        pid = by_hash.get(token_hash(phone.token))
        if pid is None:
            problems.append(f"phone {phone.number}: no player for its token")
            continue
        for slot in phone.accepted:
            value = phone.sent[slot]
            row = stored.get((pid, slot))
            if row is None:
                lost += 1
                continue
            answer, score, points, time_ms, qid = row
            q = questions[slot]
            right = stored_form(q, value) == stored_form(q, right_value(q))
            ok = (qid == q["id"] and answer == stored_form(q, value) and score == (1.0 if right else 0.0)
                  and 0 <= time_ms <= limit and points == points_for(right, time_ms, limit, mode))
            if not ok and not wrong:
                problems.append(f"first mismatch: {q['qtype']} sent {phone.sent[slot]!r} right {right} stored "
                                f"{(answer, score, points, time_ms, qid)!r}")
            wrong += not ok
            totals[pid] = totals.get(pid, 0) + points
        if phone.reported_total is not None and phone.reported_total != totals.get(pid, 0):
            problems.append(f"phone {phone.number}: the server reported {phone.reported_total} points, "
                            f"its answers sum to {totals.get(pid, 0)}")
    if len(players) != len(phones):
        problems.append(f"{len(players)} players for {len(phones)} phones (a reload made a second player?)")
    if lost:
        problems.append(f"{lost} accepted answers are not stored")
    if dupes:
        problems.append(f"{dupes} (player, question) pairs stored more than once")
    if wrong:
        problems.append(f"{wrong} stored answers with a wrong answer, score or points")
    if len(rows) != accepted:
        problems.append(f"{len(rows)} rows stored, {accepted} accepted")
    return problems, {"expected": expected, "accepted": accepted, "stored": len(rows), "lost": lost,
                      "duplicates": dupes, "wrong": wrong}


# ---------------------------------------------------------------- running


def print_server_times(path: Path) -> None:
    """Time spent inside gunicorn's worker thread per request (%(D)s), apart from waiting to be picked up."""
    kinds: dict[str, list[float]] = {"poll": [], "answer": [], "join": []}
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        kind = "poll" if parts[0].endswith("/state") else "answer" if parts[0].endswith("/answer") else \
            "join" if parts[0].startswith("/play/") else None
        if kind:
            kinds[kind].append(int(parts[2]) / 1000)
    for kind, values in kinds.items():
        print(f"  inside gunicorn {kind:6} p50 {percentile(values, 50):6.1f} ms  p99 {percentile(values, 99):6.1f} ms")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10, help="time per question (default 10)")
    parser.add_argument("--lead", type=float, default=3.0, help="seconds a question is shown before it opens")
    parser.add_argument("--poll-ms", type=int, default=1500, help="phones poll this often (default 1500)")
    parser.add_argument("--answer-within", type=float, default=0.8,
                        help="phones answer within this share of each question's time (default 0.8)")
    parser.add_argument("--reveal-pause", type=float, default=1.0, help="seconds the answer stays up (default 1)")
    parser.add_argument("--join-spread", type=float, default=None,
                        help="phones join over this many seconds (default N/40: a room scanning the QR code)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker (default 8)")
    parser.add_argument("--mode", choices=("speed", "accuracy"), default="speed")
    parser.add_argument("--server-times", action="store_true",
                        help="have gunicorn log each request's own duration and print its p50/p99 (costs some CPU)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help=f"PostgreSQL server; classroom_<pid> is created on it and dropped (default {DEFAULT_SERVER})")
    args = parser.parse_args(argv)
    if args.join_spread is None:
        args.join_spread = max(2.0, args.players / 40)
    return args


async def run_phones(args, base, sid, code, questions, stats, sampler) -> list[Phone]:
    rng = random.Random(args.seed)
    n = args.players
    doublers = set(rng.sample(range(n), max(1, n // 20)))
    reloaders = set(rng.sample(sorted(set(range(n)) - doublers), max(1, n // 20)))
    phones = [Phone(i, i in reloaders, i in doublers) for i in range(n)]
    stop = asyncio.Event()

    async def sample_forever():
        while not stop.is_set():
            sampler.sample()
            await asyncio.sleep(1.0)

    async def watch_lag():  # a latency measured here includes the time this loop was too busy to read it
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            stats.lag.append((time.perf_counter() - started - 0.01) * 1000)

    sampling = asyncio.create_task(sample_forever())
    lagging = asyncio.create_task(watch_lag())
    where = urlsplit(base)
    server = (where.hostname, where.port)
    tasks = [asyncio.create_task(play(p, server, sid, code, questions, stats, args.poll_ms / 1000, args.seconds,
                                      random.Random(args.seed + p.number), stop, args.join_spread,
                                      args.answer_within)) for p in phones]
    from training.grading.live import GRACE_SECONDS
    await instructor(base, sid, len(questions), n, GRACE_SECONDS, args.reveal_pause, stats, stop)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    sampler.sample()
    sampling.cancel()
    lagging.cancel()
    return phones


def main(argv=None) -> int:
    args = parse_args(argv)
    database = Database(args.database_url, f"classroom_{os.getpid()}")
    database.create()
    logdir = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    server = None
    try:
        questions, owner = load_one_area(database.url)
        if len(questions) < args.questions:
            raise SystemExit(f"only {len(questions)} choice questions in {AREA}")
        rng = random.Random(args.seed)
        questions = rng.sample(questions, args.questions)
        sid, code = make_session(database.url, owner, questions, args.seconds, args.mode)
        env = dict(os.environ, DATABASE_URL=database.url, SECRET_KEY=BENCH_SECRET + secrets.token_hex(4),
                   LIVE_LEAD_SECONDS=str(args.lead), LIVE_POLL_MS=str(args.poll_ms),
                   LOGIN_RATE_LIMIT="10000 per minute", PAGE_CACHE_ENTRIES="0")
        env.pop("PYTHONPATH", None)
        # keep-alive longer than the phones' poll interval, as a proxy in front would keep them
        extra = ("--threads", str(args.threads), "--keep-alive", "10")
        if args.server_times:
            extra += ("--access-logfile", str(logdir / "access.log"), "--access-logformat", "%(U)s %(s)s %(D)s")
        server = Gunicorn("classroom", "app:app", env, logdir, extra=extra)
        server.wait_ready("/play/")
        database.one("SELECT 1")
        sampler = Sampler(server.proc.pid, database)
        stats = Stats()
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        phones = asyncio.run(run_phones(args, server.base, sid, code, questions, stats, sampler))
        elapsed = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF)
        app_cpu, pg_cpu = sampler.used()
        problems, counts = check_database(database, sid, phones, questions, args.seconds, args.mode)
        unfinished = sum(not p.finished for p in phones)
        if unfinished:
            problems.append(f"{unfinished} phones never saw the end of the session")
        if stats.errors:
            problems.append(f"{len(stats.errors)} request errors, e.g. {sorted(set(stats.errors))[:5]}")
        if stats.rejected:
            problems.append(f"{len(stats.rejected)} answers rejected, e.g. {sorted(set(stats.rejected))[:5]}")
        cores = os.cpu_count()
        print(f"classroom load — N = {args.players} phones, {args.questions} questions × {args.seconds} s "
              f"(lead {args.lead} s, poll every {args.poll_ms} ms, joins over {args.join_spread:g} s), "
              f"gunicorn -w 2 --threads {args.threads} --keep-alive 10, "
              f"PostgreSQL database {database.name}; {cores} cores on this machine, shared with whatever else runs")
        print(f"answers expected {counts['expected']}, accepted {counts['accepted']}, stored {counts['stored']}, "
              f"lost {counts['lost']}, duplicates {counts['duplicates']}, wrong score/points {counts['wrong']}")
        for name, values in (("join", stats.join), ("poll", stats.poll), ("answer", stats.answer)):
            print(f"{name:6} n={len(values):6}  p50 {percentile(values, 50):7.1f} ms  p99 {percentile(values, 99):7.1f} ms"
                  f"  max {max(values) if values else float('nan'):7.1f} ms")
        print(f"this script's event loop woke late by p50 {percentile(stats.lag, 50):.1f} ms, p99 "
              f"{percentile(stats.lag, 99):.1f} ms, max {max(stats.lag):.1f} ms (included in the latencies above)")
        if args.server_times:
            print_server_times(logdir / "access.log")
        print(f"requests {stats.requests} in {elapsed:.1f} s = {stats.requests / elapsed:.0f}/s; statuses "
              + " ".join(f"{k}×{v}" for k, v in sorted(stats.status.items())))
        print(f"CPU seconds: gunicorn {app_cpu:.1f}, PostgreSQL backends {pg_cpu:.1f}, this script "
              f"{own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime:.1f} "
              f"(of {elapsed * (cores or 1):.0f} core-seconds); gunicorn peak RSS {sampler.peak_rss:.0f} MB, "
              f"this script {own.ru_maxrss / 1024:.0f} MB")
        answer_p99, poll_p99 = percentile(stats.answer, 99), percentile(stats.poll, 99)
        fast = answer_p99 < 150 and poll_p99 < 100
        for p in problems:
            print(f"FAIL: {p}")
        print(f"latency targets (answer p99 < 150 ms, poll p99 < 100 ms): {'met' if fast else 'MISSED'}")
        print(f"RESULT: {'FAIL' if problems else 'PASS' if fast else 'PASS (correct), latency target missed'}")
        if problems:
            print(server.tail(30))
        return 1 if problems else 0 if fast else 2
    finally:
        if server is not None:
            server.stop()
        database.drop()
        shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
