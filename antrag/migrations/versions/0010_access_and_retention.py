"""Stored files recorded with their transaction, counts kept of purged meeting registrations.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0007'
branch_labels = None
depends_on = None

# Every file already in the upload folder is recorded, so that the orphan sweep of
# `flask network purge` never takes a file a row refers to.
BACKFILL_STORED_FILES = (
    "INSERT INTO stored_file (name, sha256, created_at) "
    "SELECT stored_name, sha256, uploaded_at FROM attachment",
    "INSERT INTO stored_file (name, sha256, created_at) "
    "SELECT stored_name, sha256, uploaded_at FROM proof_attachment",
    "INSERT INTO stored_file (name, sha256, created_at) "
    "SELECT pdf_stored_name, COALESCE(pdf_sha256, ''), COALESCE(issued_at, created_at) "
    "FROM funding_notice WHERE pdf_stored_name IS NOT NULL",
)


def upgrade():
    op.create_table('stored_file',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_file'))
    )
    for statement in BACKFILL_STORED_FILES:
        op.execute(statement)

    op.create_table('meeting_counts',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.Column('confirmed_persons', sa.Integer(), nullable=False),
    sa.Column('waitlisted_persons', sa.Integer(), nullable=False),
    sa.Column('cancelled_persons', sa.Integer(), nullable=False),
    sa.Column('municipalities', sa.Integer(), nullable=False),
    sa.Column('interested', sa.Integer(), nullable=False),
    sa.Column('purged_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_counts_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_counts'))
    )


def downgrade():
    op.drop_table('meeting_counts')
    op.drop_table('stored_file')
