"""Forms shared across blueprints."""
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A form with nothing but a CSRF token, for POST buttons."""

    submit = SubmitField("提交")
