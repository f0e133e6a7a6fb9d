"""A replayed second-factor code is reported to the account holder once per time step.

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-05 08:45:00

`totp_credential.replay_notified_step` is the time step of the last replayed code the
holder was mailed about; a guarded UPDATE moves it forward, so that parallel replays of
one code queue one mail (OWASP ASVS 4.0.3 V2.8.5).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('totp_credential', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('replay_notified_step', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('totp_credential', schema=None) as batch_op:
        batch_op.drop_column('replay_notified_step')
