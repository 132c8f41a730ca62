"""Instructor tools. For now: the state of the shipped content and reloading it."""
from flask import Blueprint

bp = Blueprint("manage", __name__)

from . import routes  # noqa: E402,F401
