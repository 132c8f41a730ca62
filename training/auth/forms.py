"""Account forms; every message in Chinese, next to the field it concerns."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..extensions import db
from ..models import User
from .passwords import MAX_LENGTH, RULE_TEXT, judge

PHONE = re.compile(r"^\+?[0-9]{6,15}$")
USERNAME_INVALID = "请输入有效的邮箱（如 name@example.com）或手机号（6–15 位数字）"


def valid_username(value: str) -> str | None:
    """The login name in its stored form if it is a real-looking e-mail address or phone number."""
    if PHONE.match(value):
        return value
    if "@" not in value:
        return None
    try:  # the maintained rules of RFC 5321/5322 and IDNA, without asking DNS
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def check_strength(form, field, *personal) -> None:
    verdict = judge(field.data or "", *personal)
    if not verdict.ok:
        raise ValidationError("；".join(verdict.problems + verdict.suggestions[:1]))


class NewPasswordMixin:
    """A new password with its confirmation; strength judged against the account's own details."""
    password = PasswordField("新密码", validators=[DataRequired("请设置密码"), Length(max=MAX_LENGTH)],
                             description=RULE_TEXT)
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入密码"),
                                                    EqualTo("password", message="两次输入的密码不一致")])
    personal: tuple[str, ...] = ()

    def validate_password(self, field) -> None:
        check_strength(self, field, *self.personal)


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
    password = PasswordField("密码", validators=[DataRequired("请设置密码"), Length(max=MAX_LENGTH)],
                             description=RULE_TEXT)
    confirm = PasswordField("再次输入密码", validators=[DataRequired("请再次输入密码"),
                                                  EqualTo("password", message="两次输入的密码不一致")])
    submit = SubmitField("注册")

    def validate_username(self, field) -> None:
        normalized = valid_username(field.data)
        if normalized is None:
            raise ValidationError(USERNAME_INVALID)
        field.data = normalized
        if db.session.execute(db.select(User.id).where(User.username == field.data)).first():
            raise ValidationError(TAKEN_MESSAGE)

    def validate_password(self, field) -> None:
        check_strength(self, field, self.username.data, self.nickname.data)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), Length(max=MAX_LENGTH)])
    submit = SubmitField("修改密码")


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("设置新密码")
