"""The second factor: authenticator apps, recovery codes, four-eyes resets, step-up times.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 05:30:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('totp_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_encrypted', sa.String(length=255), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('last_step', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_totp_credential_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_totp_credential')),
    sa.UniqueConstraint('user_id', name=op.f('uq_totp_credential_user_id'))
    )
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('used_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)
    op.create_table('second_factor_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('open_marker', sa.Integer(), nullable=True),
    sa.CheckConstraint('requested_by_id <> user_id', name=op.f('ck_second_factor_reset_not_for_oneself')),
    sa.CheckConstraint('confirmed_by_id IS NULL OR (confirmed_by_id <> requested_by_id AND confirmed_by_id <> user_id)', name=op.f('ck_second_factor_reset_four_eyes')),
    sa.CheckConstraint('(confirmed_by_id IS NULL) = (confirmed_at IS NULL)', name=op.f('ck_second_factor_reset_confirmed_complete')),
    sa.CheckConstraint('cancelled_at IS NULL OR confirmed_at IS NULL', name=op.f('ck_second_factor_reset_confirmed_or_cancelled')),
    sa.CheckConstraint('(open_marker = 1 AND confirmed_at IS NULL AND cancelled_at IS NULL) OR (open_marker IS NULL AND (confirmed_at IS NOT NULL OR cancelled_at IS NOT NULL))', name=op.f('ck_second_factor_reset_open_marker_matches')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_second_factor_reset_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_second_factor_reset_requested_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_second_factor_reset_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_second_factor_reset')),
    sa.UniqueConstraint('user_id', 'open_marker', name=op.f('uq_second_factor_reset_user_id'))
    )
    with op.batch_alter_table('second_factor_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_second_factor_reset_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_at', antrag.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('second_factor_method', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('second_factor_method')
        batch_op.drop_column('second_factor_at')
    with op.batch_alter_table('second_factor_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_second_factor_reset_user_id'))
    op.drop_table('second_factor_reset')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    op.drop_table('totp_credential')
