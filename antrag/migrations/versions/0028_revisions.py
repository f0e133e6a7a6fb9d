"""Revisions of an application: every submission frozen, immutable in the database.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 05:30:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('received_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('file_reference', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('content_json', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_application_revision_number_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_revision_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_revision')),
    sa.UniqueConstraint('application_id', 'number', name='uq_application_revision_number'),
    sa.UniqueConstraint('content_hash', name=op.f('uq_application_revision_content_hash'))
    )
    with op.batch_alter_table('application_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_revision_application_id'), ['application_id'], unique=False)
    _create_immutable_triggers()
    # Plain ADD COLUMNs (nullable): no table rebuild on SQLite.
    op.add_column('application', sa.Column('revision_number', sa.Integer(), nullable=True))
    op.add_column('application', sa.Column('revision_hash', sa.String(length=64), nullable=True))


def _create_immutable_triggers():
    """Make revisions immutable in the database itself (as the administration record)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION application_revision_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'application_revision is immutable';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER application_revision_no_change BEFORE UPDATE OR DELETE "
            "ON application_revision "
            "FOR EACH ROW EXECUTE FUNCTION application_revision_immutable()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER application_revision_no_{action.lower()} BEFORE {action} "
                "ON application_revision "
                "BEGIN SELECT RAISE(ABORT, 'application_revision is immutable'); END"
            )


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('revision_hash')
        batch_op.drop_column('revision_number')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS application_revision_no_change ON application_revision")
        op.execute("DROP FUNCTION IF EXISTS application_revision_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS application_revision_no_update")
        op.execute("DROP TRIGGER IF EXISTS application_revision_no_delete")
    with op.batch_alter_table('application_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_revision_application_id'))
    op.drop_table('application_revision')
