"""Accounts waiting for confirmation, stored files recorded with their transaction, counts
kept of purged meeting registrations.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
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

ROLES_BEFORE = "role IN ('applicant', 'reviewer', 'mentor', 'admin')"
ROLES_AFTER = "role IN ('applicant', 'reviewer', 'mentor', 'admin', 'pending')"


def _replace_role_check(condition):
    """Let the user table's role check allow exactly the roles of `condition`."""
    name = op.f('ck_user_role_known')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(name, 'user', type_='check')
        op.create_check_constraint(name, 'user', condition)
        return
    # SQLite cannot change a CHECK constraint: the table is rebuilt. migrations/env.py runs
    # every migration on SQLite with foreign keys off and checks them before each commit.
    with op.batch_alter_table('user', recreate='always') as batch_op:
        batch_op.drop_constraint(name, type_='check')
        batch_op.create_check_constraint(name, condition)


def upgrade():
    _replace_role_check(ROLES_AFTER)
    op.create_table('access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('decided_as', sa.String(length=10), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('risk_acknowledged', sa.Boolean(), server_default='0', nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('confirmed', 'refused')", name=op.f('ck_access_request_outcome_known')),
    sa.CheckConstraint("decided_as IS NULL OR decided_as IN ('city', 'ministry')", name=op.f('ck_access_request_decided_as_known')),
    sa.CheckConstraint('(outcome IS NULL) = (decided_at IS NULL) AND (outcome IS NULL) = (decided_by_id IS NULL) AND (outcome IS NULL) = (decided_as IS NULL)', name=op.f('ck_access_request_decision_complete')),
    sa.CheckConstraint("NOT (outcome = 'confirmed' AND decided_as = 'ministry' AND NOT risk_acknowledged)", name=op.f('ck_access_request_ministry_acknowledges_risk')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_access_request_user_id_user')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_access_request_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_access_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_access_request_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request')),
    sa.UniqueConstraint('user_id', name=op.f('uq_access_request_user_id'))
    )
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_request_municipality_id'), ['municipality_id'], unique=False)

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
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_request_municipality_id'))
    op.drop_table('access_request')
    waiting = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM \"user\" WHERE role = 'pending'"
    ).scalar()
    if waiting:
        raise RuntimeError(
            f'{waiting} accounts wait for confirmation; confirm or refuse them (refused ones '
            'keep the role, so delete those) before downgrading below 0010'
        )
    _replace_role_check(ROLES_BEFORE)
