"""课堂互动: the instructor's side under /live/ (build, projector, results) and the phones' under /play/."""
from flask import Blueprint

bp = Blueprint("live", __name__)

from . import host, play  # noqa: E402,F401
