"""Shared set-up of the benchmarks: a fresh migrated database, a small world, bulk cases.

Benchmarks are run by hand (`make bench`), never by the test suite.
"""

import statistics
import tempfile
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from antrag import create_app
from antrag.extensions import db
from config import _normalise_db_url

PASSWORD = "korrekt-pferd-batterie"  # noqa: S105 - the benchmark accounts only
OPEN_STATES = (
    "submitted",
    "in_review",
    "changes_requested",
    "proposed_approval",
    "proposed_rejection",
)


def fresh_database(database_url: str | None = None) -> str:
    """Return the URI of a new empty database: a temporary SQLite file, or a PostgreSQL one."""
    if not database_url:
        folder = Path(tempfile.mkdtemp(prefix="antrag-bench-"))
        return f"sqlite:///{folder / 'bench.db'}"
    url = make_url(_normalise_db_url(database_url))
    name = f"antrag_bench_{uuid.uuid4().hex[:8]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def bench_config(uri: str, **extra) -> dict:
    """Return the app configuration of a benchmark run on `uri`."""
    folder = Path(tempfile.mkdtemp(prefix="antrag-bench-files-"))
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        # The benches log in with a password; the second factor is not what they measure.
        "SECOND_FACTOR_ROLES": (),
    } | extra


def migrated_app(uri: str, **extra):
    """Create the app on `uri` and run the real migrations."""
    app = create_app(bench_config(uri, **extra))
    with app.app_context():
        upgrade()
    return app


def seed_world(municipalities: int = 200):
    """Add a programme, an open round for all cities, municipalities and one user per role."""
    from antrag.accounts.operations import create_user
    from antrag.db_types import utcnow
    from antrag.programme.models import Municipality, Programme, Round

    day = utcnow().date()
    programme = Programme(name="Interkommunales Netzwerk Digitale Stadt")
    rnd = Round(
        programme=programme,
        name="Benchrunde",
        opens_on=day - timedelta(days=30),
        closes_on=day + timedelta(days=30),
        budget=Decimal("99999999.00"),
        standard_amount=Decimal("60750.00"),
        eligibility="all_cities",
    )
    db.session.add_all([programme, rnd])
    db.session.execute(
        insert(Municipality.__table__),
        [
            {
                "ags": f"9{i:07d}",
                "name": f"Benchstadt {i}",
                "kind": "kreisfreie_stadt",
                "is_city": True,
                "population": 10000 + i,
            }
            for i in range(municipalities)
        ],
    )
    db.session.flush()
    users = {
        "reviewer": create_user(
            email="anna.prueferin@mdi.rlp.de",
            name="Anna Prüferin",
            role="reviewer",
            password=PASSWORD,
            organisation="MdI",
        ),
        "reviewer2": create_user(
            email="ben.pruefer@mdi.rlp.de",
            name="Ben Prüfer",
            role="reviewer",
            password=PASSWORD,
            organisation="MdI",
        ),
        "applicant": create_user(
            email="digital@benchstadt0.de",
            name="Benchstadt Digital",
            role="applicant",
            password=PASSWORD,
            municipality_ags="90000000",
        ),
    }
    db.session.commit()
    return rnd, users


# What a complete application holds (bulk_cases(complete=True)); the values are invented.
COMPLETE_FORM = {
    "contact_name": "Maria Beispiel",
    "contact_function": "Digitalisierungsbeauftragte",
    "contact_email": "digital@example.org",
    "contact_phone": "06232 14-0",
    "head_of_administration": "Oberbürgermeisterin Erika Muster",
    "own_contribution": Decimal("6750.00"),
    "declaration_no_early_start": True,
    "declaration_accuracy": True,
    "declaration_privacy": True,
}
# The project starts after the notice (no early start to allow), so approval passes.
PROJECT = {
    "title": "Digitales Bürgerbüro",
    "description": "Online-Terminvergabe und Formulare.",
    "field_of_action": "verwaltung",
    "estimated_cost": Decimal("67500.00"),
}


def project_row(application_id: int, today: date) -> dict:
    """Return the project of a bulk application: it starts in two months, runs a year."""
    return PROJECT | {
        "application_id": application_id,
        "position": 0,
        "period_start": today + timedelta(days=60),
        "period_end": today + timedelta(days=425),
    }


RESOLUTION = {
    "kind": "council_resolution",
    "original_name": "Ratsbeschluss.pdf",
    "content_type": "application/pdf",
    "size": 1024,
    "sha256": "0" * 64,
}


def bulk_cases(
    count: int,
    round_id: int,
    applicant_id: int,
    *,
    states=("submitted",),
    assignee_id: int | None = None,
    chunk: int = 10_000,
    complete: bool = False,
) -> list[int]:
    """Insert `count` membership cases with their submitted applications; return their ids.

    Rows go in with Core executemany (the engine is far too slow for 100,000); case and
    application share their id so that the API path of a case is easy to build. With
    `complete`, each application is filled in as submission requires (contact, amounts,
    declarations, one project, a council resolution), as every submitted one is in the
    product; without it only what the queue shows is there.
    """
    from antrag.applications.models import Application, Attachment, Project
    from antrag.db_types import utcnow
    from antrag.engine.models import Case

    municipality_ids = _free_municipalities(round_id, count)
    start = (db.session.scalar(db.select(db.func.max(Case.id))) or 0) + 1
    now = utcnow()
    for offset in range(0, count, chunk):
        ids = range(start + offset, start + min(offset + chunk, count))
        cases, applications = [], []
        for i in ids:
            state = states[i % len(states)]
            submitted = now - timedelta(days=i % 400, minutes=i % 1440)
            cases.append(
                {
                    "id": i,
                    "workflow": "membership",
                    "workflow_version": 1,
                    "state": state,
                    "version": 1,
                    "assignee_id": None if state == "submitted" else assignee_id,
                    "due_at": now + timedelta(days=28) if state == "changes_requested" else None,
                    "created_at": submitted,
                    "updated_at": submitted,
                }
            )
            applications.append(
                {
                    "id": i,
                    "case_id": i,
                    "round_id": round_id,
                    "municipality_id": municipality_ids[i - start],
                    "created_by_id": applicant_id,
                    "requested_amount": Decimal("60750.00"),
                    "created_at": submitted,
                    "submitted_at": submitted,
                }
            )
        if complete:
            for row in applications:
                row.update(COMPLETE_FORM)
        db.session.execute(insert(Case.__table__), cases)
        db.session.execute(insert(Application.__table__), applications)
        if complete:
            db.session.execute(
                insert(Project.__table__),
                [project_row(i, now.date()) for i in ids],
            )
            db.session.execute(
                insert(Attachment.__table__),
                [
                    RESOLUTION
                    | {
                        "application_id": i,
                        "stored_name": f"bench-{i:08d}.pdf",
                        "uploaded_by_id": applicant_id,
                        "uploaded_at": now,
                    }
                    for i in ids
                ],
            )
        db.session.commit()
    move_sequences_on(Case, Application, Project, Attachment)
    return list(range(start, start + count))


def move_sequences_on(*models) -> None:
    """Set the id sequences of `models`' tables past their largest id (PostgreSQL).

    Rows inserted with explicit ids (as `bulk_cases` does for cases and applications) leave
    PostgreSQL's sequences where they were: the next row the app inserts would draw an id
    that is taken. SQLite takes max(id) + 1 by itself.
    """
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        sql = (  # the table names are the models' own, never input
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'
        )
        db.session.execute(text(sql))
    db.session.commit()


def _free_municipalities(round_id: int, count: int) -> list[int]:
    """Return `count` municipality ids without an application in the round, adding cities.

    A city holds one slot per round (uq_application_one_per_city_and_round): every bulk
    application gets a city of its own, so large runs add "Bulkstadt" municipalities.
    """
    from antrag.applications.models import Application
    from antrag.programme.models import Municipality

    taken = db.select(Application.municipality_id).where(Application.round_id == round_id)
    free = db.session.scalars(
        db.select(Municipality.id).where(Municipality.id.not_in(taken)).order_by(Municipality.id)
    ).all()
    missing = count - len(free)
    if missing > 0:
        first = db.session.scalar(db.select(db.func.count(Municipality.id)))
        db.session.execute(
            insert(Municipality.__table__),
            [
                {
                    "ags": f"8{n:07d}",
                    "name": f"Bulkstadt {n}",
                    "kind": "kreisfreie_stadt",
                    "is_city": True,
                    "population": 10000 + n,
                }
                for n in range(first, first + missing)
            ],
        )
        return _free_municipalities(round_id, count)
    return list(free[:count])


def median(values) -> float:
    """Return the median of `values`."""
    return statistics.median(values)


def rss_kib() -> int:
    """Return the resident set size of this process in KiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


def drop_database(uri: str) -> None:
    """Remove a benchmark database (SQLite file or PostgreSQL database)."""
    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = Path(url.database + suffix)
            if path.exists():
                path.unlink()
        return
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    server.dispose()
