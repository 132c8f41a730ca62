"""班级: classes, joining by code, assignments and class statistics (thin views over classes.queries and
progress.classstats)."""
from flask import Blueprint

bp = Blueprint("classes", __name__)

from . import routes, stats_views, tasks  # noqa: E402,F401
