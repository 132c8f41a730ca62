"""Account forms; every message in Chinese, next to the field it concerns."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..extensions import db
from ..models import User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?\d{6,15}$")


def normalize_username(value: str) -> str:
    """E-mail addresses are case-insensitive; phone numbers lose spaces and dashes."""
    value = (value or "").strip()
    if PHONE.match(re.sub(r"[\s-]", "", value)):
        return re.sub(r"[\s-]", "", value)
    return value.lower()


class LoginForm(FlaskForm):
    username = StringField("邮箱或手机号", validators=[DataRequired("请输入邮箱或手机号"), Length(max=120)],
                           filters=[normalize_username])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    remember = BooleanField("在这台设备上保持登录")
    submit = SubmitField("登录")


TAKEN_MESSAGE = "这个邮箱或手机号已经注册，请直接登录"


class SignupForm(FlaskForm):
    nickname = StringField("昵称", validators=[DataRequired("请填写昵称"), Length(min=1, max=40, message="昵称最多 40 个字")],
                           filters=[lambda v: (v or "").strip()])
    username = StringField("邮箱或手机号（用作登录名）",
                           validators=[DataRequired("请填写邮箱或手机号"), Length(max=120, message="登录名最多 120 个字符")],
                           filters=[normalize_username])
    password = PasswordField("密码", validators=[DataRequired("请设置密码"),
                                               Length(min=8, max=128, message="密码长度应为 8–128 位")])
    confirm = PasswordField("再次输入密码", validators=[DataRequired("请再次输入密码"),
                                                  EqualTo("password", message="两次输入的密码不一致")])
    submit = SubmitField("注册")

    def validate_username(self, field) -> None:
        if not (EMAIL.match(field.data) or PHONE.match(field.data)):
            raise ValidationError("请输入有效的邮箱（如 name@example.com）或手机号（6–15 位数字）")
        if db.session.execute(db.select(User.id).where(User.username == field.data)).first():
            raise ValidationError(TAKEN_MESSAGE)
