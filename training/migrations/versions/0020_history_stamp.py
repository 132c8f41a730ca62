"""users.history_stamp: moves on with every change to a learner's history (answers/stamp.py)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 14:00:00

Personal pages (学习进度, the home page's 今日复习) are memoized per worker under the user's id and
this number, which the user loader reads anyway: a repeat view needs no query to know it is current.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('history_stamp', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('history_stamp')
