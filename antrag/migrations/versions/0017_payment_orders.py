"""Payment orders (Auszahlungsanordnungen), the city's bank account, the ordered total.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:30:00

Payments booked before this revision (call-offs released on workflow call_off v1, which pays
on release) get the order entry they would have had: every payment is preceded by an order
of the same amount, so the round's new running total `ordered` stays 0 and reconciles.
"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reservation', 'release', 'commitment', 'payment', 'reclaim', "
    "'annulment')"
)
KINDS_AFTER = (
    "kind IN ('reservation', 'release', 'commitment', 'order', 'payment', "
    "'reclaim', 'annulment')"
)
LEDGER_BEFORE = 'committed >= 0 AND reserved >= 0 AND paid >= 0 AND reclaimed >= 0'
LEDGER_AFTER = (
    'committed >= 0 AND reserved >= 0 AND ordered >= 0 AND paid >= 0 AND reclaimed >= 0'
)
CONFIRMATION_CHECK = (
    "(confirmed_at IS NULL AND value_date IS NULL AND confirmation_source IS NULL) OR "
    "(confirmed_at IS NOT NULL AND value_date IS NOT NULL "
    "AND confirmation_source IN ('manual', 'camt054'))"
)


def upgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('bic', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('account_holder', sa.String(length=70), nullable=True))
    with op.batch_alter_table('call_off', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee_iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('payee_bic', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('account_holder', sa.String(length=70), nullable=True))
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('ordered', antrag.db_types.Money(), server_default='0', nullable=False)
        )
        batch_op.drop_constraint(batch_op.f('ck_round_ledger_positive'), type_='check')
        batch_op.create_check_constraint('ledger_positive', LEDGER_AFTER)
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_AFTER)
    op.execute(
        "INSERT INTO budget_entry (round_id, notice_id, kind, amount, case_id, created_at) "
        "SELECT round_id, notice_id, 'order', amount, case_id, created_at "
        "FROM budget_entry WHERE kind = 'payment'"
    )
    op.create_table('payment_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=35), nullable=False),
    sa.Column('call_off_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('amount', antrag.db_types.Money(), nullable=False),
    sa.Column('payee_name', sa.String(length=70), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('purpose', sa.String(length=140), nullable=False),
    sa.Column('budget_chapter', sa.String(length=10), nullable=True),
    sa.Column('budget_title', sa.String(length=20), nullable=True),
    sa.Column('budget_year', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('ordered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('confirmation_source', sa.String(length=10), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_order_amount_positive')),
    sa.CheckConstraint(CONFIRMATION_CHECK, name=op.f('ck_payment_order_confirmation_complete')),
    sa.ForeignKeyConstraint(['call_off_id'], ['call_off.id'], name=op.f('fk_payment_order_call_off_id_call_off')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_payment_order_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['notice_id'], ['funding_notice.id'], name=op.f('fk_payment_order_notice_id_funding_notice')),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['user.id'], name=op.f('fk_payment_order_ordered_by_id_user')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_payment_order_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_order')),
    sa.UniqueConstraint('call_off_id', name=op.f('uq_payment_order_call_off_id')),
    sa.UniqueConstraint('number', name=op.f('uq_payment_order_number'))
    )
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_order_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_order_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_order_ordered_on'), ['ordered_on'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_order_ordered_on'))
        batch_op.drop_index(batch_op.f('ix_payment_order_round_id'))
        batch_op.drop_index(batch_op.f('ix_payment_order_notice_id'))
    op.drop_table('payment_order')
    op.execute("DELETE FROM budget_entry WHERE kind = 'order'")
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', KINDS_BEFORE)
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_ledger_positive'), type_='check')
        batch_op.create_check_constraint('ledger_positive', LEDGER_BEFORE)
        batch_op.drop_column('ordered')
    with op.batch_alter_table('call_off', schema=None) as batch_op:
        batch_op.drop_column('account_holder')
        batch_op.drop_column('payee_bic')
        batch_op.drop_column('payee_iban')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('account_holder')
        batch_op.drop_column('bic')
        batch_op.drop_column('iban')
