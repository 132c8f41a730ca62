"""The edge of the app: what arrives from outside is made safe once, before any view sees it.

- Control characters (NUL and the other C0 codes except tab, newline and carriage return, and DEL)
  are removed from every query-string and form value. PostgreSQL refuses NUL in text, and none of
  them means anything in an answer; removing them (rather than refusing the request) keeps the rest
  of an answer pasted from a word processor. A path that contains one names nothing: 404.
- Integer URL segments (`<int:…>`) are bounded to the database's integer range, so an id like
  99999999999999999999 is a plain 404 instead of an overflow inside the driver.
- `parse_int` (training/numbers.py) is the one parser for numbers that come in as text (form fields, query strings).
"""
from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from .numbers import DB_INT_MAX

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value: str) -> str:
    return CONTROL.sub("", value) if CONTROL.search(value) else value


class DatabaseInt(IntegerConverter):
    """`<int:…>` that matches only what the database can store; anything bigger is a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, DB_INT_MAX if max is None else max, signed)


def _cleaned(multi: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any(CONTROL.search(k) or CONTROL.search(v) for k, v in multi.items(multi=True)):
        return multi
    return ImmutableMultiDict([(strip_controls(k), strip_controls(v)) for k, v in multi.items(multi=True)])


def init_converters(app: Flask) -> None:
    """Must run before any blueprint registers its routes."""
    app.url_map.converters["int"] = DatabaseInt


UPLOAD_LIMIT_ATTR = "upload_limit_config"


def accepts_uploads(config_key: str):
    """A view that takes files larger than MAX_CONTENT_LENGTH: its limit is app.config[config_key]. Set
    here, before anything reads the body, since the hooks below (and CSRF) parse the form first."""
    def decorator(view):
        setattr(view, UPLOAD_LIMIT_ATTR, config_key)
        return view
    return decorator


def init_edge(app: Flask) -> None:
    @app.before_request
    def clean_request_text():
        if CONTROL.search(request.path):
            abort(404)
        view = app.view_functions.get(request.endpoint or "")
        key = getattr(view, UPLOAD_LIMIT_ATTR, None)
        if key and app.config.get(key):
            limit = request.max_content_length = app.config[key]
            if request.content_length and request.content_length > limit:
                from .errors import user_abort
                user_abort(413, f"文件太大：最多 {limit / (1024 * 1024):g} MB。")
        request.args = _cleaned(request.args)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            request.form = _cleaned(request.form)  # type: ignore[misc]
        return None
