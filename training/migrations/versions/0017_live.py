"""live classroom: sessions, players, live answers in responses

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 07:00:00

Live answers are Response rows (context 'live'). A phone needs no account, so responses.user_id
becomes nullable, with a check that a row names a user or a live player; the one_context check
gains the live context; one answer per player and question is a unique constraint.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD_CONTEXTS = {"practice": "practice_session_id", "exam": "exam_attempt_id", "defense": "defense_session_id"}
NEW_CONTEXTS = {**OLD_CONTEXTS, "live": "live_session_id"}


def one_context(contexts):
    parts = []
    for context, column in contexts.items():
        others = " AND ".join(f"{c} IS NULL" for c in contexts.values() if c != column)
        parts.append(f"(context = '{context}' AND {column} IS NOT NULL AND {others})")
    return " OR ".join(parts)


def upgrade():
    op.create_table('live_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('version_ids', sa.JSON(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state_version', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("phase IN ('lobby', 'question', 'reveal', 'finished')", name=op.f('ck_live_sessions_phase')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_live_sessions_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_sessions'))
    )
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_sessions_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_sessions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('uq_live_sessions_open_code', ['code'], unique=True,
                              sqlite_where=sa.text('finished_at IS NULL'),
                              postgresql_where=sa.text('finished_at IS NULL'))

    op.create_table('live_players',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('nickname', sa.String(length=24), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_players_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_live_players_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_players')),
    sa.UniqueConstraint('session_id', 'nickname', name='uq_live_players_nickname'),
    sa.UniqueConstraint('session_id', 'user_id', name='uq_live_players_user'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_live_players_token_hash'))
    )

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('live_player_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_responses_one_context'), type_='check')
        batch_op.create_check_constraint('one_context', one_context(NEW_CONTEXTS))
        batch_op.create_check_constraint('answerer', 'user_id IS NOT NULL OR live_player_id IS NOT NULL')
        batch_op.create_check_constraint('live_player', '(live_player_id IS NULL) = (live_session_id IS NULL)')
        batch_op.create_unique_constraint('uq_responses_live', ['live_player_id', 'slot'])
        batch_op.create_index('ix_responses_live_slot', ['live_session_id', 'slot'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_responses_live_session_id_live_sessions'), 'live_sessions',
                                    ['live_session_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_responses_live_player_id_live_players'), 'live_players',
                                    ['live_player_id'], ['id'], ondelete='CASCADE')


def downgrade():
    op.execute("DELETE FROM responses WHERE context = 'live'")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_responses_live_player_id_live_players'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_responses_live_session_id_live_sessions'), type_='foreignkey')
        batch_op.drop_index('ix_responses_live_slot')
        batch_op.drop_constraint('uq_responses_live', type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_responses_live_player'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_responses_answerer'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_responses_one_context'), type_='check')
        batch_op.create_check_constraint('one_context', one_context(OLD_CONTEXTS))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('live_player_id')
        batch_op.drop_column('live_session_id')

    op.drop_table('live_players')
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_live_sessions_open_code', sqlite_where=sa.text('finished_at IS NULL'),
                            postgresql_where=sa.text('finished_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_live_sessions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_live_sessions_code'))
    op.drop_table('live_sessions')
