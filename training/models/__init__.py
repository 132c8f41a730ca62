"""The database models, one module per domain."""
from .content import (
    Area, Blueprint, Case, ContentState, Question, QuestionBank, SearchEntry, Topic, case_topics, question_topics,
)
from .defense import DefenseAnswer, DefenseSession
from .exams import ExamAttempt, ExamResponse
from .practice import AnswerEvent, PracticeSession, Star
from .users import Role, User

__all__ = [
    "Area", "Blueprint", "Case", "ContentState", "Question", "QuestionBank", "SearchEntry", "Topic",
    "case_topics", "question_topics", "Role", "User", "AnswerEvent", "PracticeSession", "Star",
    "DefenseAnswer", "DefenseSession", "ExamAttempt", "ExamResponse",
]
