"""Messages on a case between the city and the ministry, and internal notes.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 02:10:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('author_role', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_stored_name', sa.String(length=64), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("internal = false OR author_role = 'reviewer'", name=op.f('ck_case_message_internal_only_by_ministry')),
    sa.CheckConstraint("author_role IN ('applicant', 'reviewer')", name=op.f('ck_case_message_author_role_known')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_case_message_author_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_message_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_message')),
    sa.UniqueConstraint('attachment_stored_name', name=op.f('uq_case_message_attachment_stored_name'))
    )
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_message_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_message_case_id'))
    op.drop_table('case_message')
