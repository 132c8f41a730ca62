"""Error pages in Chinese (JSON for JSON clients); a 500 rolls the session back."""
from __future__ import annotations

from flask import Flask, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, default_exceptions

from ..extensions import db

MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("没有权限", "你的账号无权打开这个页面。如需讲师或管理员权限，请联系管理员。"),
    404: ("页面不存在", "没有找到你要的内容：链接可能有误，或内容已下线。"),
    405: ("请求方式不被允许", "这个地址不接受这种请求方式。"),
    409: ("操作冲突", "这项操作与当前状态冲突，请刷新页面后重试。"),
    413: ("提交内容过大", "提交的内容超过了允许的大小，请删减后再提交。"),
    429: ("操作太频繁", "请求次数过多，请稍等一会儿再试。"),
    500: ("服务器出错", "服务器处理时出了问题，我们已记录下来。请稍后再试。"),
    503: ("系统维护中", "暂时连不上数据库。已经保存的答案都在；你正在作答的内容已保存在这台设备的浏览器中，"
                   "服务恢复后会自动重新提交。请稍后刷新页面。"),
}
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException) -> bool:
    """The database is down, unreachable or refusing connections (not a bug in a query)."""
    if isinstance(error, PoolTimeout):
        return True
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def unavailable_response(error: BaseException):
    """503 in Chinese (JSON for JSON clients) that renders without touching the database."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection is gone; nothing to roll back)
        pass
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]  # no user lookup
    current_app.logger.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else error)
    response = make_response(render_error(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
CSRF_MESSAGE = "表单已失效或来源无法验证（CSRF 校验失败）。请刷新页面后重新提交。"


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or (best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"])


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    message = detail or message
    if wants_json():
        return {"error": title, "message": message, "status": code}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # e.g. a redirect to the login page
            return error.response
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        # Our own aborts may carry a Chinese description meant for the user.
        detail = error.description if getattr(error, "user_message", False) else None
        return render_error(code, detail)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if database_unavailable(error):
            return unavailable_response(error)
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500)

def user_abort(code: int, message: str):
    """abort() with a Chinese message that the error page shows to the user."""
    exc = default_exceptions[code](description=message)
    exc.user_message = True  # type: ignore[attr-defined]
    raise exc
