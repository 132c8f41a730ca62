"""The rehearsal set-up form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange


class SetupForm(FlaskForm):
    count = IntegerField("抽几道题", default=3, validators=[NumberRange(1, 10, "题数应为 1–10")])
    prep_minutes = IntegerField("每题准备时间（分钟）", default=5, validators=[NumberRange(0, 30, "准备时间应为 0–30 分钟")])
    answer_minutes = IntegerField("每题作答时间（分钟）", default=5, validators=[NumberRange(1, 30, "作答时间应为 1–30 分钟")])
    case = SelectField("或者指定一道题", choices=[], default="")
    submit = SubmitField("开始模拟答辩")
