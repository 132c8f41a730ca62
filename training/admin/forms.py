from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from ..models import Role


class RoleForm(FlaskForm):
    role = SelectField("角色", choices=[(r.value, r.label) for r in Role])
    submit = SubmitField("保存")
