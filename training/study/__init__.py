"""Study pages: the syllabus areas, knowledge points, cases, questions, search."""
from flask import Blueprint

bp = Blueprint("study", __name__)

from . import routes  # noqa: E402,F401
