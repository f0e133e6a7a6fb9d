"""One application per city and round: the round slot.

Existing data: of a city's applications in a round that are neither withdrawn nor rejected,
one holds the slot (an approved one first, then the most advanced, then the oldest); the
others keep running without it, and the guard `single_open_application` refuses to submit
or approve them while the slot holder runs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 12:00:00

"""
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


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_round_slot', sa.Boolean(), nullable=True))

    _give_out_slots()

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_round_municipality')
        batch_op.create_unique_constraint('uq_application_one_per_city_and_round', ['round_id', 'municipality_id', 'holds_round_slot'])
        batch_op.create_check_constraint('slot_true', 'holds_round_slot IS NULL OR holds_round_slot = true')


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


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_slot_true'), type_='check')
        batch_op.drop_constraint('uq_application_one_per_city_and_round', type_='unique')
        batch_op.create_index('ix_application_round_municipality', ['round_id', 'municipality_id'], unique=False)
        batch_op.drop_column('holds_round_slot')
