"""What the decision letters need: the addressee (head title, postal address) of each
municipality, the programme's funding guideline, the round's budget item and the signer's
function, unit and phone.

The free-text `municipality.address` is split into street, postal code and town where it
parses ("Stadtverwaltung Speyer, Maximilianstraße 100, 67346 Speyer"); where it does not,
the new columns stay empty and the issue action names what is missing. The head title is
filled from the kind of municipality (§ 28 (2), § 64 (3) GemO RLP). The parser is a frozen
copy of `antrag.programme.letter_fields.parse_address`, so that later changes of the app do
not change what this migration did.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 22:40:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None

_POSTCODE_LINE = re.compile(r"^([0-9]{5})\s+(\S.*)$")
_RECIPIENT = re.compile(
    r"^(Stadt|Gemeinde|Verbandsgemeinde|Kreis|Ortsgemeinde)(verwaltung)?\b", re.IGNORECASE
)


def _parse(text):
    parts = [p.strip() for p in re.split(r"[\n,]", text or "") if p.strip()]
    if len(parts) < 2:
        return None
    match = _POSTCODE_LINE.match(parts[-1])
    if match is None or _RECIPIENT.match(parts[-2]):
        return None
    return parts[-2][:200], match.group(1), match.group(2).strip()[:100]


def _head_title(kind, is_city):
    if kind in ('kreisfreie_stadt', 'grosse_kreisangehoerige_stadt'):
        return 'Oberbürgermeister'
    if kind == 'landkreis':
        return 'Landrat'
    if kind == 'ortsgemeinde':
        return 'Stadtbürgermeister' if is_city else 'Ortsbürgermeister'
    return 'Bürgermeister'


def upgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_title', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('postal_code', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('town', sa.String(length=100), nullable=True))

    municipality = sa.table(
        'municipality',
        sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('is_city', sa.Boolean),
        sa.column('address', sa.String), sa.column('head_title', sa.String),
        sa.column('street', sa.String), sa.column('postal_code', sa.String),
        sa.column('town', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(municipality.c.id, municipality.c.kind, municipality.c.is_city,
                  municipality.c.address)
    ).all()
    for row in rows:
        values = {'head_title': _head_title(row.kind, bool(row.is_city))}
        parsed = _parse(row.address)
        if parsed is not None:
            values.update(street=parsed[0], postal_code=parsed[1], town=parsed[2])
        connection.execute(
            municipality.update().where(municipality.c.id == row.id).values(**values)
        )

    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('address')

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guideline_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('guideline_date', sa.Date(), nullable=True))

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_chapter', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('budget_title', sa.String(length=20), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('function', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=50), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('unit')
        batch_op.drop_column('function')

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('budget_title')
        batch_op.drop_column('budget_chapter')

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('guideline_date')
        batch_op.drop_column('guideline_title')

    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=400), nullable=True))

    municipality = sa.table(
        'municipality',
        sa.column('id', sa.Integer), sa.column('address', sa.String),
        sa.column('street', sa.String), sa.column('postal_code', sa.String),
        sa.column('town', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(municipality.c.id, municipality.c.street, municipality.c.postal_code,
                  municipality.c.town)
    ).all()
    for row in rows:
        if row.street and row.postal_code and row.town:
            connection.execute(
                municipality.update().where(municipality.c.id == row.id).values(
                    address=f"{row.street}, {row.postal_code} {row.town}"
                )
            )

    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('town')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('street')
        batch_op.drop_column('head_title')
