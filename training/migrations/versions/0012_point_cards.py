"""point cards and desired retention

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('point_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('point_key', sa.String(length=20), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('card_before', sa.JSON(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('last_rating', sa.Integer(), nullable=True),
    sa.Column('last_response_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_point_cards_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_point_cards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_cards')),
    sa.UniqueConstraint('user_id', 'case_id', 'point_key', name=op.f('uq_point_cards_user_id'))
    )
    with op.batch_alter_table('point_cards', schema=None) as batch_op:
        batch_op.create_index('ix_point_cards_user_due', ['user_id', 'due_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desired_retention', sa.Float(), server_default='0.9', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('desired_retention')
    with op.batch_alter_table('point_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_point_cards_user_due')
    op.drop_table('point_cards')
