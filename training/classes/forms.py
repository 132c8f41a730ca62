"""Class forms: create a class, join by code, set an assignment. Every message in Chinese, next to its field."""
from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..content.items import QUESTION_TYPES
from ..models.classes import CODE_LENGTH, EXAM_TASK, PRACTICE_TASK, normalise_code

MAX_SET = 200  # questions in one practice assignment
MAX_DUE_DAYS = 3 * 366  # a due time further away than this is a typo
CODE_RULE = f"邀请码是 {CODE_LENGTH} 位字母或数字（不含容易看错的 0、O、1、I、L），不区分大小写。"
DUE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
IDS_SPLIT = re.compile(r"[\s,，、;；]+")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ClassForm(FlaskForm):
    name = StringField("班级名称", validators=[DataRequired("请填写班级名称"), Length(max=60, message="班级名称最多 60 个字")],
                       filters=[strip], description="如：2026 春季二级周末班")
    description = TextAreaField("说明（可不填）", validators=[Optional(), Length(max=500, message="说明最多 500 个字")],
                                filters=[strip])
    submit = SubmitField("创建班级")


class JoinForm(FlaskForm):
    code = StringField("邀请码", validators=[DataRequired("请输入讲师给你的邀请码")], filters=[strip],
                       description=CODE_RULE)
    submit = SubmitField("加入班级")

    def validate_code(self, field) -> None:
        code = normalise_code(field.data or "")
        if code is None:
            raise ValidationError(CODE_RULE)
        field.data = code


def parse_due(raw: str, tz: tzinfo) -> datetime | None:
    """A local date and time typed or picked (datetime-local) as UTC; a bare date means the end of that day."""
    raw = (raw or "").strip()
    try:
        for fmt in DUE_FORMATS:
            try:
                return datetime.strptime(raw, fmt).replace(tzinfo=tz).astimezone(timezone.utc)
            except ValueError:
                continue
        try:
            day = datetime.strptime(raw, "%Y-%m-%d")
        except ValueError:
            return None
        return day.replace(hour=23, minute=59, tzinfo=tz).astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01 00:00 in Beijing is before year 1 in UTC
        return None


class AssignmentForm(FlaskForm):
    """A practice set (by area / knowledge point / type, or listed question ids) or a mock exam."""

    title = StringField("作业标题（可不填）", validators=[Optional(), Length(max=100, message="标题最多 100 个字")],
                        filters=[strip], description="不填时按所选内容自动命名")
    kind = RadioField("作业内容", choices=[SelectChoice(PRACTICE_TASK, "练习题组"), SelectChoice(EXAM_TASK, "模拟考试")],
                      default=PRACTICE_TASK, validate_choice=False)
    area = SelectField("考纲领域", choices=[], default="", validate_choice=False)
    topic = SelectField("知识点", choices=[], default="", validate_choice=False)
    qtype = SelectField("题型", choices=[SelectChoice("", "全部题型")] + [SelectChoice(t, t) for t in QUESTION_TYPES],
                        default="", validate_choice=False)
    question_ids = TextAreaField("或者指定题目（题目编号，用空格、逗号或换行分开）", filters=[strip],
                                 description="题目编号就是题目页面地址的最后一段，如 plan-q001。填了编号就不按上面的范围选题。")
    blueprint = SelectField("模拟考试试卷", choices=[], default="", validate_choice=False)
    due = StringField("截止时间（北京时间，可不填）", filters=[strip], description="如 2026-03-01 20:00；只填日期表示当天 23:59")
    submit = SubmitField("布置作业")

    def listed_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for qid in IDS_SPLIT.split(self.question_ids.data or ""):
            if qid:
                seen.setdefault(qid, None)
        return list(seen)

    def check_choice(self, field, message: str) -> None:
        if field.data not in {value for value, *_ in field.iter_choices()}:
            field.errors.append(message)

