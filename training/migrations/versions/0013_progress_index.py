"""covering index for 学习进度

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 05:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_user_item', ['user_id', 'question_id', 'case_id', 'answered_at', 'score'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_user_item')
