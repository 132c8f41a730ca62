"""学习进度: the signed-in learner's own progress, readiness estimate and answer-history export."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import routes  # noqa: E402,F401
