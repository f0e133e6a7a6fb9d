"""Migration 0008 on existing data: one round slot per city and round, reservations that fit."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from databases import Template, base_config
from flask_migrate import downgrade, upgrade
from sqlalchemy import Numeric, column, select, table, text
from sqlalchemy.exc import IntegrityError

from antrag import create_app
from antrag.extensions import db

REVISION, BEFORE = "0008", "0007"  # this migration and the one it follows
AMOUNT = Decimal("60750.00")
NOW = datetime(2019, 5, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)  # stored as naive UTC


@pytest.fixture
def at_0007(tmp_path):
    """An app on a database migrated up to 0007 only."""
    uri = Template.empty(tmp_path)
    app = create_app(base_config(uri, tmp_path))
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()
    Template.drop(uri)


def insert(table_name: str, /, **values) -> int:
    """Insert one row into the table as it is before the migration; return its id."""
    typed = [
        column(k, Numeric(12, 2) if isinstance(v, Decimal) else None) for k, v in values.items()
    ]
    row = table(table_name, column("id"), *typed)
    return db.session.execute(row.insert().values(**values).returning(row.c.id)).scalar_one()


class Story:
    """Rows as 0007 held them, after the races of issue 11 had run."""

    def __init__(self):
        self.programme = insert("programme", name="Netzwerk")
        self.round = insert(
            "round",
            programme_id=self.programme,
            name="Pilotrunde",
            opens_on=date(2019, 2, 1),
            closes_on=date(2019, 3, 31),
            budget=AMOUNT * 3,  # one notice issued, room for two more
            standard_amount=AMOUNT,
            eligibility="all_cities",
            created_at=NOW,
            committed=AMOUNT,
        )
        self.user = insert(
            "user",
            email="digital@example.org",
            name="Digital",
            password_hash="x",
            role="admin",
            active=True,
            created_at=NOW,
        )
        self.cities = [
            insert(
                "municipality", ags=f"0731{i}000", name=f"Stadt {i}", kind="x", is_city=True,
                population=1,
            )
            for i in range(5)
        ]  # fmt: skip
        self.references = 0

    def application(self, city: int, state: str) -> int:
        case = self.case("membership", state)
        return insert(
            "application",
            case_id=case,
            round_id=self.round,
            municipality_id=self.cities[city],
            created_by_id=self.user,
            declaration_no_early_start=True,
            declaration_accuracy=True,
            declaration_privacy=True,
            created_at=NOW,
        )

    def notice(self, application: int, city: int, state: str) -> int:
        self.references += 1
        return insert(
            "funding_notice",
            case_id=self.case("funding_notice", state),
            application_id=application,
            round_id=self.round,
            municipality_id=self.cities[city],
            file_reference=f"DS-2019-{self.references:04d}",
            amount=AMOUNT,
            purpose="Beitritt",
            period_start=date(2019, 5, 1),
            period_end=date(2020, 12, 31),
            financing_type="Festbetragsfinanzierung",
            addressee_name=f"Stadt {city}",
            created_at=NOW,
        )

    def case(self, workflow: str, state: str) -> int:
        return insert(
            "case",
            workflow=workflow,
            workflow_version=1,
            state=state,
            version=1,
            created_at=NOW,
            updated_at=NOW,
        )


def slots() -> dict[int, bool | None]:
    rows = db.session.execute(text("SELECT id, holds_round_slot FROM application ORDER BY id"))
    return {id_: None if slot is None else bool(slot) for id_, slot in rows}


def test_existing_duplicates_keep_one_slot_and_drafted_notices_reserve_what_fits(at_0007):
    story = Story()
    # City 0: a double click left two drafts; city 1: one approved, one submitted after it;
    # city 2: withdrawn, then applied again; cities 1, 3 and 4 approved over the budget.
    drafts = [story.application(0, "draft"), story.application(0, "draft")]
    approved = story.application(1, "approved")
    submitted = story.application(1, "submitted")
    withdrawn = story.application(2, "withdrawn")
    again = story.application(2, "in_review")
    issued = story.application(3, "approved")
    late = story.application(4, "approved")
    story.notice(issued, 3, "issued")
    story.notice(approved, 1, "drafted")
    third = story.application(3, "rejected")  # a rejected one never holds a slot
    # Three approvals over the budget: 0007 let the race promise more than there was.
    extra = story.application(0, "approved")
    story.notice(late, 4, "drafted")
    story.notice(extra, 0, "drafted")
    db.session.commit()

    upgrade(revision=REVISION)

    assert slots() == {
        drafts[0]: None,
        drafts[1]: None,
        approved: True,
        submitted: None,
        withdrawn: None,
        again: True,
        issued: True,
        late: True,
        third: None,
        extra: True,  # approved comes first, before the drafts of the same city
    }
    totals = db.session.execute(text("SELECT committed, reserved, budget FROM round")).one()
    assert [Decimal(value) for value in totals] == [AMOUNT, AMOUNT * 2, AMOUNT * 3]
    entries = db.session.execute(
        select(column("notice_id"), column("kind"), column("amount"), column("case_id"))
        .select_from(table("budget_entry"))
        .order_by(column("id"))
    ).all()
    approvals = {  # a reservation is booked on the case of the approval, as approving does
        row.id: row.case_id
        for row in db.session.execute(text("SELECT id, case_id FROM application"))
    }
    notices = dict(db.session.execute(text("SELECT application_id, id FROM funding_notice")).all())
    assert [(n, k, Decimal(a), c) for n, k, a, c in entries] == [
        (notices[approved], "reservation", AMOUNT, approvals[approved]),
        (notices[late], "reservation", AMOUNT, approvals[late]),
    ]  # the notice of `extra` no longer fits


def test_second_holder_is_refused_after_the_upgrade(at_0007):
    story = Story()
    story.application(0, "draft")
    db.session.commit()
    upgrade(revision=REVISION)

    with pytest.raises(IntegrityError, match="(?i)unique"):
        story.application(0, "draft")
        db.session.execute(text("UPDATE application SET holds_round_slot = true"))
    db.session.rollback()


def test_downgrade_returns_to_the_schema_before(at_0007):
    story = Story()
    approved = story.application(1, "approved")
    story.notice(approved, 1, "drafted")
    db.session.commit()
    upgrade(revision=REVISION)

    downgrade(revision=BEFORE)

    kinds = db.session.execute(text("SELECT kind FROM budget_entry")).scalars().all()
    assert kinds == []
    columns = db.session.execute(text("SELECT * FROM round")).keys()
    assert "reserved" not in columns
