"""One application per city and round (the round slot); approvals reserve the budget.

Existing data: of a city's applications in a round that are neither withdrawn nor rejected,
one holds the slot (an approved one first, then the most advanced, then the oldest); the
others keep running without it, and the guard `single_open_application` refuses to submit
or approve them while the slot holder runs. Each notice still drafted reserves its amount,
oldest first, as far as the round's budget reaches; one that no longer fits (approvals that
overran the budget before reservations existed) stays unreserved, is committed only if the
budget allows when it is issued, and the budget page reports it until then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 12:00:00

"""
from collections import defaultdict
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ENDED = ('withdrawn', 'rejected')
# The order in which a city's running applications of one round claim the slot.
PRECEDENCE = ('approved', 'proposed_approval', 'proposed_rejection', 'in_review',
              'changes_requested', 'submitted', 'draft')

case = sa.table('case', sa.column('id', sa.Integer), sa.column('state', sa.String))
application = sa.table(
    'application',
    sa.column('id', sa.Integer),
    sa.column('case_id', sa.Integer),
    sa.column('round_id', sa.Integer),
    sa.column('municipality_id', sa.Integer),
    sa.column('holds_round_slot', sa.Boolean),
)
round_ = sa.table(
    'round',
    sa.column('id', sa.Integer),
    sa.column('budget', sa.Numeric(12, 2)),
    sa.column('committed', sa.Numeric(12, 2)),
    sa.column('reserved', sa.Numeric(12, 2)),
    sa.column('reclaimed', sa.Numeric(12, 2)),
)
notice = sa.table(
    'funding_notice',
    sa.column('id', sa.Integer),
    sa.column('case_id', sa.Integer),
    sa.column('round_id', sa.Integer),
    sa.column('application_id', sa.Integer),
    sa.column('amount', sa.Numeric(12, 2)),
    sa.column('created_at', sa.DateTime),
)
entry = sa.table(
    'budget_entry',
    sa.column('round_id', sa.Integer),
    sa.column('notice_id', sa.Integer),
    sa.column('kind', sa.String),
    sa.column('amount', sa.Numeric(12, 2)),
    sa.column('case_id', sa.Integer),
    sa.column('created_at', sa.DateTime),
)


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_round_slot', sa.Boolean(), nullable=True))
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint(
            'kind_known', "kind IN ('reservation', 'release', 'commitment', 'payment', 'reclaim')"
        )

    _give_out_slots()
    _reserve_drafted_notices()

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_round_municipality')
        batch_op.create_unique_constraint('uq_application_one_per_city_and_round', ['round_id', 'municipality_id', 'holds_round_slot'])
        batch_op.create_check_constraint('slot_true', 'holds_round_slot IS NULL OR holds_round_slot = true')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_budget_not_overspent'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_round_ledger_positive'), type_='check')
        batch_op.create_check_constraint(
            'ledger_positive', 'committed >= 0 AND reserved >= 0 AND paid >= 0 AND reclaimed >= 0'
        )
        batch_op.create_check_constraint('budget_not_overspent', 'committed + reserved <= budget + reclaimed')


def _give_out_slots():
    """Give the slot to one running application per city and round."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(application.c.id, application.c.round_id, application.c.municipality_id, case.c.state)
        .join(case, case.c.id == application.c.case_id)
        .where(case.c.state.not_in(ENDED))
        .order_by(application.c.id)
    ).all()
    holders = {}
    for row in sorted(rows, key=lambda r: (_rank(r.state), r.id)):
        holders.setdefault((row.round_id, row.municipality_id), row.id)
    if holders:
        bind.execute(
            application.update()
            .where(application.c.id.in_(list(holders.values())))
            .values(holds_round_slot=True)
        )


def _rank(state):
    return PRECEDENCE.index(state) if state in PRECEDENCE else len(PRECEDENCE)


def _reserve_drafted_notices():
    """Reserve the amount of every drafted notice that still fits into its round's budget."""
    bind = op.get_bind()
    drafted = bind.execute(
        sa.select(notice.c.id, notice.c.round_id, notice.c.amount, notice.c.created_at,
                  application.c.case_id.label('approval_case_id'))
        .join(case, case.c.id == notice.c.case_id)
        .join(application, application.c.id == notice.c.application_id)
        .where(case.c.state == 'drafted')
        .order_by(notice.c.id)
    ).all()
    rounds = {
        r.id: r
        for r in bind.execute(sa.select(round_).where(round_.c.id.in_({n.round_id for n in drafted})))
    }
    reserved = defaultdict(lambda: Decimal('0.00'))
    for found in drafted:
        r = rounds[found.round_id]
        room = Decimal(r.budget) + Decimal(r.reclaimed) - Decimal(r.committed) - reserved[r.id]
        if Decimal(found.amount) > room:
            continue
        reserved[r.id] += Decimal(found.amount)
        bind.execute(
            entry.insert().values(
                round_id=r.id,
                notice_id=found.id,
                kind='reservation',
                amount=found.amount,
                case_id=found.approval_case_id,
                created_at=found.created_at,
            )
        )
    for round_id, amount in reserved.items():
        bind.execute(round_.update().where(round_.c.id == round_id).values(reserved=amount))


def downgrade():
    bind = op.get_bind()
    bind.execute(entry.delete().where(entry.c.kind.in_(('reservation', 'release'))))
    with op.batch_alter_table('budget_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_budget_entry_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', "kind IN ('commitment', 'payment', 'reclaim')")
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_budget_not_overspent'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_round_ledger_positive'), type_='check')
        batch_op.create_check_constraint(
            'ledger_positive', 'committed >= 0 AND paid >= 0 AND reclaimed >= 0'
        )
        batch_op.create_check_constraint('budget_not_overspent', 'committed <= budget + reclaimed')
        batch_op.drop_column('reserved')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_slot_true'), type_='check')
        batch_op.drop_constraint('uq_application_one_per_city_and_round', type_='unique')
        batch_op.create_index('ix_application_round_municipality', ['round_id', 'municipality_id'], unique=False)
        batch_op.drop_column('holds_round_slot')
