"""The database models, one module per domain."""
from .authoring import AuthoredDoc, DocCoauthor, ImportBatch
from .answers import CONTEXT_LABELS, DEFENSE, EXAM, LIVE, PRACTICE, FollowupAnswer, KeypointResult, Regrade, Response
from .classes import EXAM_TASK, PRACTICE_TASK, Assignment, Classroom, Membership, TaskScope
from .content import (
    ORIGIN_FILE, ORIGIN_WEB, Area, Case, ContentState, ItemVersion, PaperBlueprint, Question, QuestionBank,
    SearchEntry, Topic, case_topics, question_topics,
)
from .defense import DefenseSession
from .exams import ExamAttempt
from .examiner import PointGrade, Submission
from .live import LivePlayer, LiveSession
from .practice import PracticeFilters, PracticeSession, Star
from .progress import PointCard, ReviewCard
from .users import PasswordReset, Role, User

__all__ = [
    "Area", "PaperBlueprint", "Case", "ContentState", "ItemVersion", "Question", "QuestionBank", "SearchEntry",
    "Topic", "case_topics", "question_topics", "ORIGIN_FILE", "ORIGIN_WEB", "PasswordReset", "Role", "User", "PracticeFilters",
    "PracticeSession", "Star", "DefenseSession", "ExamAttempt", "Response", "KeypointResult", "FollowupAnswer",
    "Regrade", "PRACTICE", "EXAM", "DEFENSE", "LIVE", "CONTEXT_LABELS", "LiveSession", "LivePlayer", "ReviewCard", "PointCard",
    "AuthoredDoc", "DocCoauthor", "ImportBatch", "Classroom", "Membership", "Assignment", "TaskScope",
    "PRACTICE_TASK", "EXAM_TASK", "Submission", "PointGrade",
]
