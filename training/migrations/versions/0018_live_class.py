"""live sessions name the class they were run for

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 11:00:00

live_sessions.class_id was a plain integer while classes were built elsewhere; it becomes a
foreign key to classes (a deleted class leaves its sessions, unlinked) with an index, because a
class's statistics look sessions up by it.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE live_sessions SET class_id = NULL WHERE class_id NOT IN (SELECT id FROM classes)")
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_sessions_class_id'), ['class_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_live_sessions_class_id_classes'), 'classes',
                                    ['class_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_live_sessions_class_id_classes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_live_sessions_class_id'))
