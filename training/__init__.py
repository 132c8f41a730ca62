"""客服管理师备考: the application factory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import ROOT, Config

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


class App(Flask):
    def ensure_sync(self, func):
        """Flask asks, for the view and each hook of every request, whether it is a coroutine function, to
        run it in an event loop. None of this app's is (tests/test_own_connections.py pins it), so the
        question is skipped (a dozen inspections per request)."""
        return func


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the app. No database writes and no network here: that is `flask setup`'s job."""
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Config.resolve(app.config)
    if app.config.get("PROXY_COUNT"):  # the client's own address for the login limits, behind a proxy
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])

    init_extensions(app)
    init_blueprints(app)
    init_templates(app)
    init_security_headers(app)
    init_cli(app)
    return app


def init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register tables on the metadata)
    from .access import init_access
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .edge import init_converters, init_edge
    from .numbers import parse_int
    from .dbconn import init_db_connections, limits_only_writes
    from .pagecache import init_page_cache

    db.init_app(app)
    init_converters(app)
    init_page_cache(app)
    from .answers import stamp  # noqa: F401  (registers the session hooks that move users.history_stamp on)
    init_edge(app)  # before anything reads the request: control characters never reach a view
    init_db_connections(app)  # before the user loader runs: read-only views start without a transaction
    init_access(app)  # first before_request hook: refuse unauthorised users before CSRF or limits run
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    from .pagecache import csrf_token
    app.jinja_env.globals["csrf_token"] = csrf_token  # a slot on cached pages; after Flask-WTF sets its own,
    app.context_processor(lambda: {"csrf_token": csrf_token})  # as a global and as a context processor
    limiter.init_app(app)
    limits_only_writes(app)
    from .cookies import init_cookies
    init_cookies(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录后再继续。"
    login_manager.login_message_category = "info"

    from .access import signed_in_user

    @login_manager.user_loader
    def load_user(session_id: str):
        """The session and remember-me cookies hold "id:token"; a token changed since (logout,
        new password, disabled account) no longer matches, so the old cookie signs in nobody."""
        uid_text, _, token = session_id.partition(":")
        uid = parse_int(uid_text, lo=1)
        user = signed_in_user(uid) if uid is not None and token else None
        return user if user is not None and user.token_matches(token) else None


def init_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .classes import bp as classes_bp
    from .dashboard import bp as dashboard_bp
    from .errors import init_errors
    from .manage import bp as manage_bp
    from .authoring import bp as authoring_bp
    from .defense import bp as defense_bp
    from .exams import bp as exams_bp
    from .examiner import bp as examiner_bp
    from .live import bp as live_bp
    from .practice import bp as practice_bp
    from .study import bp as study_bp

    app.register_blueprint(study_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(manage_bp, url_prefix="/manage")
    app.register_blueprint(authoring_bp, url_prefix="/manage/docs")
    app.register_blueprint(practice_bp, url_prefix="/practice")
    app.register_blueprint(defense_bp, url_prefix="/defense")
    app.register_blueprint(exams_bp, url_prefix="/mock")
    app.register_blueprint(dashboard_bp, url_prefix="/progress")
    app.register_blueprint(classes_bp, url_prefix="/classes")
    app.register_blueprint(live_bp)  # /live/… for instructors, /play/… for phones
    app.register_blueprint(examiner_bp, url_prefix="/examiner")
    init_errors(app)


def init_templates(app: Flask) -> None:
    from .templating import init_templating
    init_templating(app)


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        return response


def init_cli(app: Flask) -> None:
    from .cli import init_cli as register
    register(app)
