"""Proof of use reviewed item by item (receipts list, income and third-party funds, recognised
expenditure, entitled grant); decommitment of what a closed notice never paid.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 01:40:00

Notices closed before this revision still hold their whole amount committed; the upgrade
books the decommitment of what was never paid on each of them, so that the ledger keeps
reconciling (committed by notices = open notices' amounts + what closed notices paid).
"""
from datetime import datetime, timezone
from decimal import Decimal

from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment')"
)
KINDS_AFTER = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment', 'decommitment')"
)
DECOMMITMENT = sa.text("kind = 'decommitment'")


def upgrade():
    money = antrag.db_types.Money()
    op.create_table('proof_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proof_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('amount', money, nullable=False),
    sa.Column('not_recognised', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('not_recognised_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_proof_receipt_amount_positive')),
    sa.CheckConstraint('NOT not_recognised OR not_recognised_reason IS NOT NULL', name=op.f('ck_proof_receipt_not_recognised_reasoned')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_proof_receipt_project_id_project')),
    sa.ForeignKeyConstraint(['proof_id'], ['proof_of_use.id'], name=op.f('fk_proof_receipt_proof_id_proof_of_use')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proof_receipt'))
    )
    with op.batch_alter_table('proof_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proof_receipt_proof_id'), ['proof_id'], unique=False)

    op.create_table('proof_funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proof_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', money, nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_proof_funds_amount_positive')),
    sa.CheckConstraint("kind IN ('income', 'third_party')", name=op.f('ck_proof_funds_kind_known')),
    sa.ForeignKeyConstraint(['proof_id'], ['proof_of_use.id'], name=op.f('fk_proof_funds_proof_id_proof_of_use')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proof_funds'))
    )
    with op.batch_alter_table('proof_funds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proof_funds_proof_id'), ['proof_id'], unique=False)

    with op.batch_alter_table('expenditure_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recognised', money, nullable=True))
        batch_op.add_column(sa.Column('not_recognised_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            'recognised_within_spent',
            'recognised IS NULL OR (recognised >= 0 AND recognised <= spent)',
        )
        batch_op.create_check_constraint(
            'not_recognised_reasoned',
            'recognised IS NULL OR recognised = spent OR not_recognised_reason IS NOT NULL',
        )

    with op.batch_alter_table('proof_of_use', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recognised_total', money, nullable=True))
        batch_op.add_column(sa.Column('entitled_amount', money, nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', antrag.db_types.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_proof_of_use_reviewed_by_id_user'), 'user', ['reviewed_by_id'], ['id']
        )
        batch_op.create_check_constraint(
            'recognised_positive', 'recognised_total IS NULL OR recognised_total >= 0'
        )
        batch_op.create_check_constraint(
            'entitled_positive', 'entitled_amount IS NULL OR entitled_amount >= 0'
        )

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decommitted', money, server_default='0', nullable=False))

    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_AFTER)
    op.create_index(
        'uq_budget_entry_decommitment', 'budget_entry', ['notice_id'], unique=True,
        sqlite_where=DECOMMITMENT, postgresql_where=DECOMMITMENT,
    )
    _decommit_closed_notices()


def _decommit_closed_notices():
    """Book the decommitment of every notice closed before this revision."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT n.id, n.round_id, n.case_id, n.amount, "
        "(SELECT COALESCE(SUM(e.amount), 0) FROM budget_entry e "
        " WHERE e.notice_id = n.id AND e.kind = 'payment') AS paid "
        "FROM funding_notice n JOIN \"case\" c ON c.id = n.case_id WHERE c.state = 'closed'"
    )).all()
    now = datetime.now(timezone.utc)
    cent = antrag.db_types.CENT
    for notice_id, round_id, case_id, amount, paid in rows:
        left = (Decimal(amount) - Decimal(paid)).quantize(cent)
        if left <= 0:
            continue
        bind.execute(
            sa.text(
                "INSERT INTO budget_entry (round_id, notice_id, kind, amount, case_id, created_at) "
                "VALUES (:round_id, :notice_id, 'decommitment', :amount, :case_id, :now)"
            ).bindparams(sa.bindparam('amount', type_=antrag.db_types.Money()),
                         sa.bindparam('now', type_=antrag.db_types.UTCDateTime())),
            {"round_id": round_id, "notice_id": notice_id, "amount": left,
             "case_id": case_id, "now": now},
        )
        bind.execute(
            sa.text(
                "UPDATE round SET committed = committed - :amount, "
                "decommitted = decommitted + :amount WHERE id = :round_id"
            ).bindparams(sa.bindparam('amount', type_=antrag.db_types.Money())),
            {"amount": left, "round_id": round_id},
        )


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT round_id, amount FROM budget_entry WHERE kind = 'decommitment'"
    )).all()
    for round_id, amount in rows:
        bind.execute(
            sa.text("UPDATE round SET committed = committed + :amount WHERE id = :round_id")
            .bindparams(sa.bindparam('amount', type_=antrag.db_types.Money())),
            {"amount": amount, "round_id": round_id},
        )
    bind.execute(sa.text("DELETE FROM budget_entry WHERE kind = 'decommitment'"))
    op.drop_index('uq_budget_entry_decommitment', table_name='budget_entry')
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_BEFORE)
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('decommitted')
    with op.batch_alter_table('proof_of_use', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proof_of_use_entitled_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_proof_of_use_recognised_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_proof_of_use_reviewed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('entitled_amount')
        batch_op.drop_column('recognised_total')
    with op.batch_alter_table('expenditure_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_expenditure_line_not_recognised_reasoned'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_expenditure_line_recognised_within_spent'), type_='check')
        batch_op.drop_column('not_recognised_reason')
        batch_op.drop_column('recognised')
    with op.batch_alter_table('proof_funds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proof_funds_proof_id'))
    op.drop_table('proof_funds')
    with op.batch_alter_table('proof_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proof_receipt_proof_id'))
    op.drop_table('proof_receipt')
