"""Single sign-on with OpenID Connect: the provider's subject on the user, pending logins.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 05:30:00

"""
from alembic import op
import sqlalchemy as sa

import antrag.db_types


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oidc_login_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('next_url', sa.String(length=500), nullable=True),
    sa.Column('created_at', antrag.db_types.UTCDateTime(), nullable=False),
    sa.Column('used_at', antrag.db_types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_login_request')),
    sa.UniqueConstraint('nonce', name=op.f('uq_oidc_login_request_nonce')),
    sa.UniqueConstraint('state_hash', name=op.f('uq_oidc_login_request_state_hash'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint('uq_user_oidc_identity', ['oidc_issuer', 'oidc_subject'])
        batch_op.create_check_constraint(
            'oidc_identity_complete', '(oidc_issuer IS NULL) = (oidc_subject IS NULL)'
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_oidc_identity_complete'), type_='check')
        batch_op.drop_constraint('uq_user_oidc_identity', type_='unique')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
    op.drop_table('oidc_login_request')
