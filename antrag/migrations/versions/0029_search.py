"""Full-text search: the search documents and the database's own index over them.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 05:20:00

PostgreSQL indexes the documents with a GIN index over to_tsvector('german', …); SQLite
with an FTS5 table kept by triggers (antrag/search/schema.py). Records stored before this
revision are indexed by `flask search rebuild` (run once after the upgrade). A later batch
migration of search_document on SQLite recreates the table and must recreate the triggers.
"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types
from antrag.search.schema import statements


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('ministry_visible', sa.Boolean(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('updated_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('kind', 'ref_id', name='uq_search_document_kind_ref')
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_search_document_municipality_id', ['municipality_id'], unique=False)
    for statement in statements(op.get_bind().dialect.name, up=True):
        op.execute(statement)


def downgrade():
    for statement in statements(op.get_bind().dialect.name, up=False):
        op.execute(statement)
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_municipality_id')
        batch_op.drop_index('ix_search_document_case_id')
    op.drop_table('search_document')
