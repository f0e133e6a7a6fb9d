"""The inbox: task claims and their trail, stand-ins, daily digests, lead and opt-out flags.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_task_claim_case_id_case')),
    sa.ForeignKeyConstraint(['holder_id'], ['user.id'], name=op.f('fk_task_claim_holder_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_claim')),
    sa.UniqueConstraint('case_id', name=op.f('uq_task_claim_case_id'))
    )
    with op.batch_alter_table('task_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_claim_holder_id'), ['holder_id'], unique=False)

    op.create_table('task_claim_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('previous_holder_id', sa.Integer(), nullable=True),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("action IN ('claim', 'release', 'hand_over')", name=op.f('ck_task_claim_event_action_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_task_claim_event_actor_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_task_claim_event_case_id_case')),
    sa.ForeignKeyConstraint(['holder_id'], ['user.id'], name=op.f('fk_task_claim_event_holder_id_user')),
    sa.ForeignKeyConstraint(['previous_holder_id'], ['user.id'], name=op.f('fk_task_claim_event_previous_holder_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_claim_event'))
    )
    with op.batch_alter_table('task_claim_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_claim_event_case_id'), ['case_id'], unique=False)

    op.create_table('stand_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('absent_id', sa.Integer(), nullable=False),
    sa.Column('stand_in_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_stand_in_period_ordered')),
    sa.CheckConstraint('absent_id <> stand_in_id', name=op.f('ck_stand_in_not_oneself')),
    sa.ForeignKeyConstraint(['absent_id'], ['user.id'], name=op.f('fk_stand_in_absent_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_stand_in_created_by_id_user')),
    sa.ForeignKeyConstraint(['stand_in_id'], ['user.id'], name=op.f('fk_stand_in_stand_in_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stand_in'))
    )
    with op.batch_alter_table('stand_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stand_in_absent_id'), ['absent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stand_in_stand_in_id'), ['stand_in_id'], unique=False)

    op.create_table('digest_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_digest_sent_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_sent')),
    sa.UniqueConstraint('user_id', 'day', name='uq_digest_sent_once')
    )

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(
            sa.Column('digest_opt_out', sa.Boolean(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('digest_opt_out')
        batch_op.drop_column('lead')
    op.drop_table('digest_sent')
    with op.batch_alter_table('stand_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stand_in_stand_in_id'))
        batch_op.drop_index(batch_op.f('ix_stand_in_absent_id'))
    op.drop_table('stand_in')
    with op.batch_alter_table('task_claim_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_claim_event_case_id'))
    op.drop_table('task_claim_event')
    with op.batch_alter_table('task_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_claim_holder_id'))
    op.drop_table('task_claim')
