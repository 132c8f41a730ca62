"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from training.extensions import db


def test_upgrade_from_empty_matches_the_models_and_downgrades(app):
    db.drop_all()
    upgrade(directory=app.extensions["migrate"].directory)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
    downgrade(directory=app.extensions["migrate"].directory, revision="base")
    with db.engine.connect() as conn:
        remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert remaining == set()
