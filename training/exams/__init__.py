"""模拟考试: timed papers drawn by the blueprints, saved answer by answer, marked on hand-in."""
from flask import Blueprint

bp = Blueprint("exams", __name__)

from . import routes  # noqa: E402,F401
