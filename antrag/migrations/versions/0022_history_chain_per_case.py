"""History chained per case (the case row holds its chain head), checkpoints, a seq sequence.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 01:40:00

Entries written so far keep their hashes: they stay one chain across all cases, anchored in
history_chain_head, which is no longer written. Each case's chain head starts at the hash of
its newest entry, so the next entry of a running case points at it.
"""
from alembic import op
import sqlalchemy as sa

from antrag.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: the table keeps its constraints and triggers.
    op.add_column('case', sa.Column('chain_hash', sa.String(length=64), nullable=True))
    op.execute(
        'UPDATE "case" SET chain_hash = (SELECT h.hash FROM history_entry h '
        'WHERE h.case_id = "case".id ORDER BY h.seq DESC LIMIT 1)'
    )
    op.create_table(
        'history_checkpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sealed_at', UTCDateTime(), nullable=False),
        sa.Column('after_seq', sa.Integer(), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_history_checkpoint')),
        sa.UniqueConstraint('last_seq', name=op.f('uq_history_checkpoint_last_seq')),
        sa.UniqueConstraint('hash', name=op.f('uq_history_checkpoint_hash')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE SEQUENCE history_entry_seq')
        op.execute(
            "SELECT setval('history_entry_seq', "
            "(SELECT coalesce(max(seq), 0) + 1 FROM history_entry), false)"
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP SEQUENCE history_entry_seq')
    op.drop_table('history_checkpoint')
    op.execute('ALTER TABLE "case" DROP COLUMN chain_hash')
