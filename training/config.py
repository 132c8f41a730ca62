"""Configuration read from environment variables, with safe defaults for local use."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once per checkout.

    The key is kept in instance/secret_key so every worker on this host signs
    sessions the same way; several hosts must share SECRET_KEY through the env.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Plain postgres:// URLs name no driver (or the old one); psycopg 3 is what we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_database_url(url)
    INSTANCE.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE / 'training.sqlite'}"


def json_text(value: Any) -> str:
    """JSON for the database's JSON columns. They hold Chinese text: as UTF-8 rather than escapes (\\uXXXX)
    it is half the size, and PostgreSQL stores a 10 000-question import's versions about 3x faster.
    A lone surrogate (possible from a JSON request) cannot be UTF-8, so such a value stays escaped."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


class Config:
    SECRET_KEY = None  # filled lazily in create_app so tests never touch instance/
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"json_serializer": json_text}
    # dbconn.py: ping a pooled connection only when it idled this long (None: never), and run views that
    # only read without a transaction (one round trip for a SELECT instead of BEGIN, SELECT, ROLLBACK).
    POOL_PING_IDLE_SECONDS = float(os.environ.get("POOL_PING_IDLE_SECONDS", 1.0))
    READ_ONLY_AUTOCOMMIT = True
    CONTENT_DIR = os.environ.get("CONTENT_DIR", str(ROOT / "content"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))  # content imports (zip, GIFT, XML)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch still submits
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # A failing limit store (Redis down; the in-memory store of `limits` races under gthread workers and
    # once raised "threads can only be started once" in bench/bruteforce.py) must not turn a login into
    # a 500: the error is logged and the request goes on. The per-account throttle is in the database.
    RATELIMIT_SWALLOW_ERRORS = True
    # Counted on failed attempts only (see auth.routes.failed_login); the per-account throttle is in the database.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute;200 per hour")
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: clients connect directly).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "20 per hour")
    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai")
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", 2000))  # 0 turns the guest page cache off
    PAGE_CACHE_CHECK_SECONDS = float(os.environ.get("PAGE_CACHE_CHECK_SECONDS", 1.0))
    # Personal pages memoized per worker under the learner's history stamp (pagecache.personal_page):
    # about 55 kB each, so 256 pages cost a worker some 14 MB. 0 turns it off.
    PERSONAL_PAGE_ENTRIES = int(os.environ.get("PERSONAL_PAGE_ENTRIES", 256))

    @classmethod
    def resolve(cls, mapping: dict) -> None:
        """Fill the values that need the filesystem only when the app is really built."""
        if not mapping.get("SECRET_KEY"):
            mapping["SECRET_KEY"] = _secret_key()
        if not mapping.get("SQLALCHEMY_DATABASE_URI"):
            mapping["SQLALCHEMY_DATABASE_URI"] = _database_url()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    PAGE_CACHE_CHECK_SECONDS = 0.0  # tests see every load at once
    READ_ONLY_AUTOCOMMIT = False  # each test's session is bound to one connection inside a rolled-back transaction
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    LOGIN_RATE_LIMIT = "200 per minute"
    SIGNUP_RATE_LIMIT = "200 per minute"
