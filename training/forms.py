"""Forms shared across blueprints."""
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A form with nothing but a CSRF token, for POST buttons."""

    submit = SubmitField("提交")


def require_csrf() -> None:
    """For POST views with no fields of their own: refuse a missing or forged CSRF token."""
    from .errors import user_abort
    if not EmptyForm().validate_on_submit():
        user_abort(400, "表单已失效，请刷新页面后重试。")
