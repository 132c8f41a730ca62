"""练习: choose a set of questions and answer them one at a time with instant feedback."""
from flask import Blueprint

bp = Blueprint("practice", __name__)

from . import routes  # noqa: E402,F401
