"""Network meetings, their registrations and invitations to applicant accounts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 04:00:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('place', sa.String(length=400), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_meeting_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('meeting_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=True),
    sa.Column('interested_in_joining', sa.Boolean(), nullable=False),
    sa.Column('cancel_token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('persons >= 1', name=op.f('ck_meeting_registration_persons_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_meeting_registration_case_id_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_registration_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_meeting_registration_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['invited_user_id'], ['user.id'], name=op.f('fk_meeting_registration_invited_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_registration')),
    sa.UniqueConstraint('case_id', name=op.f('uq_meeting_registration_case_id')),
    sa.UniqueConstraint('cancel_token_hash', name=op.f('uq_meeting_registration_cancel_token_hash'))
    )
    with op.batch_alter_table('meeting_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_registration_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_registration_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('used_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_invitation_user_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_invitation_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_user_id'))
    op.drop_table('invitation')
    with op.batch_alter_table('meeting_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_registration_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_registration_meeting_id'))
    op.drop_table('meeting_registration')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
    op.drop_table('meeting')
