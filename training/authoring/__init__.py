"""Writing content in the browser: instructors' documents, checked and previewed as they type, published
as new versions (see models/authoring.py and content/authoring.py)."""
from flask import Blueprint

bp = Blueprint("authoring", __name__)

from . import routes  # noqa: E402,F401
from . import transfer  # noqa: E402,F401
