"""The form that builds a live session: which questions, how long each, how scored."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from ..grading.live import LIVE_TYPES, MODES, SPEED

SECONDS = (10, 15, 20, 30, 45, 60, 90)


class NewSessionForm(FlaskForm):
    title = StringField("课堂名称", validators=[InputRequired("请填写课堂名称。"), Length(max=100, message="最多 100 个字。")],
                        default="课堂互动")
    source = SelectField("题目来源", choices=[SelectChoice("filter", "按考纲领域和知识点挑选")], default="filter")
    area = SelectField("考纲领域", choices=[], default="")
    topic = SelectField("知识点", choices=[], default="")
    qtype = SelectField("题型", choices=[SelectChoice("", "单选、多选、判断")] + [SelectChoice(t, t) for t in LIVE_TYPES],
                        default="")
    count = IntegerField("题数", default=10, validators=[
        InputRequired("请填写题数。"), NumberRange(1, 50, "题数在 1 到 50 之间。")])
    order = RadioField("顺序", choices=[SelectChoice("random", "随机抽题"), SelectChoice("seq", "按题库顺序")],
                       default="random")
    seconds = SelectField("每题限时", choices=[SelectChoice(str(s), f"{s} 秒") for s in SECONDS], default="20")
    klass = SelectField("班级", choices=[], default="")
    mode = RadioField("计分方式", choices=[SelectChoice(k, v) for k, v in MODES.items()], default=SPEED)
    submit = SubmitField("创建课堂并打开大屏")
