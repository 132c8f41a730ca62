"""The practice-set chooser."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..content.items import DIFFICULTIES, QUESTION_TYPES
from ..models import PracticeFilters


class ChooseForm(FlaskForm):
    area = SelectField("考纲领域", choices=[], default="")
    topic = SelectField("知识点", choices=[], default="")
    qtype = SelectField("题型", choices=[SelectChoice("", "全部题型")] + [SelectChoice(t, t) for t in QUESTION_TYPES],
                        default="")
    difficulty = SelectField("难度", choices=[SelectChoice("", "全部难度")] + [SelectChoice(d, d) for d in DIFFICULTIES],
                             default="")
    order = RadioField("顺序", choices=[SelectChoice("seq", "顺序练习(记住做到哪里)"), SelectChoice("random", "随机练习")],
                       default="seq")
    starred = BooleanField("只练我收藏的题")
    wrong = BooleanField("只练错题本里的题")
    review = BooleanField("只练今天该复习的题")
    memorize = BooleanField("背题模式(直接显示答案和解析)")
    submit = SubmitField("开始练习")

    def filters(self) -> PracticeFilters:
        return PracticeFilters(area=self.area.data or "", topic=self.topic.data or "", qtype=self.qtype.data or "",
                               difficulty=self.difficulty.data or "", starred=bool(self.starred.data),
                               wrong=bool(self.wrong.data), review=bool(self.review.data))
