"""Flask extensions, created here and bound to the app in create_app."""
from contextvars import ContextVar

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Set by dbconn.py while a read-only view answers a GET or HEAD (a context variable: per thread, and no
# session has to be made just to carry the wish).
AUTOCOMMIT_WANTED: ContextVar[bool] = ContextVar("autocommit_wanted", default=False)


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, which takes its connection in AUTOCOMMIT while a read-only view answers
    (dbconn.py): the connection is checked out only when the view first uses the session, so a page
    served whole from a cache never touches the pool."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and AUTOCOMMIT_WANTED.get():
            return _autocommit(engine)
        return engine


_AUTOCOMMIT_ENGINES: dict = {}


def _autocommit(engine):
    """The engine's AUTOCOMMIT variant (same pool), made once per engine."""
    variant = _AUTOCOMMIT_ENGINES.get(engine)
    if variant is None:
        variant = _AUTOCOMMIT_ENGINES[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return variant


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
