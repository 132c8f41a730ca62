from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..models import Role


class RoleForm(FlaskForm):
    role = SelectField("角色", choices=[SelectChoice(r.value, r.label) for r in Role])
    submit = SubmitField("保存")
