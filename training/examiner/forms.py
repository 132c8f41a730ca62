"""The grading form: its CSRF token and the overall comment; the per-point fields vary with the case and are
read by grading.examiner.read_examiner_form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..grading.examiner import OVERALL_COMMENT_MAX


class GradeForm(FlaskForm):
    comment = TextAreaField("总评（可选）", description=f"最多 {OVERALL_COMMENT_MAX} 字，考生会在自己的成绩页看到。")
