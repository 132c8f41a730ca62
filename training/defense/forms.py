"""The rehearsal set-up form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

TITLE_MAX, ABSTRACT_MAX = 60, 1000


class SetupForm(FlaskForm):
    count = IntegerField("抽几道题", default=3, validators=[NumberRange(1, 10, "题数应为 1–10")])
    prep_minutes = IntegerField("每题准备时间（分钟）", default=5, validators=[NumberRange(0, 30, "准备时间应为 0–30 分钟")])
    answer_minutes = IntegerField("每题作答时间（分钟）", default=5, validators=[NumberRange(1, 30, "作答时间应为 1–30 分钟")])
    case = SelectField("或者指定一道题", choices=[], default="")
    submit = SubmitField("开始模拟答辩")


class ThesisForm(FlaskForm):
    """论文答辩: the candidate's own paper, then panel questions about it."""
    title = StringField("论文题目", validators=[DataRequired("请填写你的论文题目"),
                                            Length(max=TITLE_MAX, message=f"题目最多 {TITLE_MAX} 个字")],
                        filters=[lambda v: (v or "").strip().strip("《》")])
    abstract = TextAreaField("论文摘要（可选，准备时显示在题目旁边）",
                             validators=[Length(max=ABSTRACT_MAX, message=f"摘要最多 {ABSTRACT_MAX} 个字")],
                             filters=[lambda v: (v or "").strip()])
    count = IntegerField("提问几道题", default=3, validators=[NumberRange(1, 8, "题数应为 1–8")])
    prep_minutes = IntegerField("每题准备时间（分钟）", default=2, validators=[NumberRange(0, 30, "准备时间应为 0–30 分钟")])
    answer_minutes = IntegerField("每题作答时间（分钟）", default=3, validators=[NumberRange(1, 30, "作答时间应为 1–30 分钟")])
    submit = SubmitField("开始论文答辩")
