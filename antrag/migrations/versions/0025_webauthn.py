"""Security keys and passkeys (WebAuthn) and their single-use ceremony challenges.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webauthn_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=1400), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.BigInteger(), nullable=False),
    sa.Column('transports', sa.String(length=200), server_default='', nullable=False),
    sa.Column('aaguid', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('sign_count >= 0', name=op.f('ck_webauthn_credential_sign_count_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_webauthn_credential_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webauthn_credential')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_webauthn_credential_credential_id'))
    )
    with op.batch_alter_table('webauthn_credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webauthn_credential_user_id'), ['user_id'], unique=False)

    op.create_table('webauthn_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('challenge', sa.String(length=64), nullable=False),
    sa.Column('expires_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("purpose IN ('register', 'authenticate')", name=op.f('ck_webauthn_challenge_purpose_known')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_webauthn_challenge_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webauthn_challenge')),
    sa.UniqueConstraint('challenge', name=op.f('uq_webauthn_challenge_challenge'))
    )
    with op.batch_alter_table('webauthn_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webauthn_challenge_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webauthn_challenge_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('webauthn_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webauthn_challenge_user_id'))
        batch_op.drop_index(batch_op.f('ix_webauthn_challenge_expires_at'))
    op.drop_table('webauthn_challenge')
    with op.batch_alter_table('webauthn_credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webauthn_credential_user_id'))
    op.drop_table('webauthn_credential')
