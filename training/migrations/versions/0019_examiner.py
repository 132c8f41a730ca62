"""考官评分: answers submitted to a class's instructor, and the examiner's per-point grades

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 07:00:00

The examiner's grade lives beside the answer (never in responses or keypoint_results); one
answer is submitted at most once per class (a unique constraint), one grade per key point.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('examiner_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('examiner_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('points', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_examiner_submissions_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['examiner_id'], ['users.id'], name=op.f('fk_examiner_submissions_examiner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_examiner_submissions_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_examiner_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_examiner_submissions')),
    sa.UniqueConstraint('response_id', 'class_id', name='uq_examiner_submissions_response_class')
    )
    with op.batch_alter_table('examiner_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_examiner_submissions_queue', ['class_id', 'graded_at', 'submitted_at'], unique=False)
        batch_op.create_index('ix_examiner_submissions_user', ['user_id', 'submitted_at'], unique=False)

    op.create_table('examiner_point_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('point_key', sa.String(length=20), nullable=False),
    sa.Column('credited', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['examiner_submissions.id'], name=op.f('fk_examiner_point_grades_submission_id_examiner_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_examiner_point_grades')),
    sa.UniqueConstraint('submission_id', 'point_key', name='uq_examiner_point_grades_point')
    )


def downgrade():
    op.drop_table('examiner_point_grades')
    with op.batch_alter_table('examiner_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_examiner_submissions_user')
        batch_op.drop_index('ix_examiner_submissions_queue')
    op.drop_table('examiner_submissions')
