"""模拟答辩: draw cases, prepare and answer against the clock, grade against the key points."""
from flask import Blueprint

bp = Blueprint("defense", __name__)

from . import routes  # noqa: E402,F401
