"""The subject's snapshot on every history entry; the append-only administration record.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 01:30:00

"""
from alembic import op
import sqlalchemy as sa

from antrag.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs: the history keeps its append-only triggers.
    op.add_column('history_entry', sa.Column('subject_snapshot', sa.Text(), nullable=True))
    op.add_column(
        'history_entry', sa.Column('subject_hash', sa.String(length=64), nullable=True)
    )
    op.create_table(
        'admin_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=200), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('object_label', sa.String(length=300), nullable=False),
        sa.Column('field', sa.String(length=64), nullable=True),
        sa.Column('old_value', sa.Text(), nullable=True),
        sa.Column('new_value', sa.Text(), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_record')),
        sa.UniqueConstraint('seq', name=op.f('uq_admin_record_seq')),
        sa.UniqueConstraint('hash', name=op.f('uq_admin_record_hash')),
    )
    op.create_index(
        op.f('ix_admin_record_object_type'), 'admin_record', ['object_type'], unique=False
    )
    op.create_table(
        'admin_record_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_admin_record_head_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_record_head')),
    )
    op.execute(
        sa.text("INSERT INTO admin_record_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    )
    _create_append_only_triggers()


def _create_append_only_triggers():
    """Make the administration record append-only in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION admin_record_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'admin_record is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER admin_record_no_change BEFORE UPDATE OR DELETE ON admin_record "
            "FOR EACH ROW EXECUTE FUNCTION admin_record_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER admin_record_no_{action.lower()} BEFORE {action} ON admin_record "
                "BEGIN SELECT RAISE(ABORT, 'admin_record is append-only'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS admin_record_no_change ON admin_record")
        op.execute("DROP FUNCTION IF EXISTS admin_record_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_record_no_update")
        op.execute("DROP TRIGGER IF EXISTS admin_record_no_delete")
    op.drop_table('admin_record_head')
    op.drop_index(op.f('ix_admin_record_object_type'), table_name='admin_record')
    op.drop_table('admin_record')
    op.execute('ALTER TABLE history_entry DROP COLUMN subject_hash')
    op.execute('ALTER TABLE history_entry DROP COLUMN subject_snapshot')
