"""考官评分: candidates send a written or 答辩 answer to their class's instructor, who grades it per key point."""
from flask import Blueprint

bp = Blueprint("examiner", __name__)

from . import panel, routes  # noqa: E402,F401
