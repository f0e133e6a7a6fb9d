"""The database moves a case's chain head when a history entry is inserted.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 05:30:00

Until now the engine wrote `case.chain_hash` with an UPDATE of its own after every history
entry (issue 14: a statement, on PostgreSQL a round trip, per entry). An AFTER INSERT
trigger on history_entry does it in the INSERT's own statement: the head is the newest
entry's hash however the entry is inserted. Entries are append-only (their own triggers),
so inserting is the only way the head moves.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION history_entry_moves_chain_head() RETURNS trigger AS $$
            BEGIN
                UPDATE "case" SET chain_hash = NEW.hash WHERE id = NEW.case_id;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER history_entry_chain_head AFTER INSERT ON history_entry "
            "FOR EACH ROW EXECUTE FUNCTION history_entry_moves_chain_head()"
        )
    else:
        op.execute(
            "CREATE TRIGGER history_entry_chain_head AFTER INSERT ON history_entry "
            'BEGIN UPDATE "case" SET chain_hash = NEW.hash WHERE id = NEW.case_id; END'
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS history_entry_chain_head ON history_entry")
        op.execute("DROP FUNCTION IF EXISTS history_entry_moves_chain_head()")
    else:
        op.execute("DROP TRIGGER IF EXISTS history_entry_chain_head")
