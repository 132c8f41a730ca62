"""课堂互动: the instructor's side under /live/ (build, projector, results) and the phones' under /play/."""
import os

from flask import Blueprint

bp = Blueprint("live", __name__)

# Settings, from the environment (an app's own config wins): seconds between showing a question and
# opening it (phones polling every LIVE_POLL_MS see it before it opens); how long a worker trusts the
# state version it read; rate limits per phone (per worker without REDIS_URL, like the other limits).
DEFAULTS = {
    "LIVE_LEAD_SECONDS": float(os.environ.get("LIVE_LEAD_SECONDS", 3)),
    "LIVE_POLL_MS": int(os.environ.get("LIVE_POLL_MS", 1500)),
    "LIVE_VERSION_TTL": float(os.environ.get("LIVE_VERSION_TTL", 0.2)),
    "LIVE_POLL_LIMIT": os.environ.get("LIVE_POLL_LIMIT", "240 per minute"),
    "LIVE_ANSWER_LIMIT": os.environ.get("LIVE_ANSWER_LIMIT", "30 per minute"),
    "LIVE_JOIN_FAIL_LIMIT": os.environ.get("LIVE_JOIN_FAIL_LIMIT", "30 per minute"),
}


@bp.record_once
def set_up(state) -> None:
    """Defaults for the settings, and the phones' polls and answers in front of the app (shortcut.py)."""
    from .shortcut import FastLane
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)
    state.app.wsgi_app = FastLane(state.app.wsgi_app, state.app)


from . import host, play  # noqa: E402,F401
