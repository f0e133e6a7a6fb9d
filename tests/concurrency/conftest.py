"""Fixtures for the concurrency tests: a real gunicorn on the test's database, more people."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import PASSWORD, STEPS, fill_complete
from gunicorn_support import Browser, serve
from second_factor_support import pass_open_sessions
from sqlalchemy import select, text

from antrag import engine
from antrag.accounts.operations import create_user
from antrag.applications.models import Application
from antrag.engine.models import Case, HistoryEntry
from antrag.extensions import db
from antrag.programme.models import Municipality

pytestmark = pytest.mark.concurrency


WORKERS = 4


@pytest.fixture
def gunicorn(app, database_uri, tmp_path):
    """Start gunicorn on the test's database; return a function that waits until it serves.

    The workers boot while the test writes its data; calling the function commits that data
    and returns the server once every worker has loaded the app.
    """
    with serve(database_uri, tmp_path / "gunicorn", workers=WORKERS, wait=False) as server:

        def ready():
            db.session.commit()
            server.wait_ready(WORKERS)
            return server

        yield ready


def add_reviewers(count: int, *, can_sign: bool = False, prefix: str = "pruefer") -> list:
    """Create `count` reviewer accounts (password PASSWORD)."""
    return [
        create_user(
            email=f"{prefix}{i:02d}@mdi.rlp.de",
            name=f"Prüfer {prefix} {i:02d}",
            role="reviewer",
            password=PASSWORD,
            organisation="Ministerium des Innern und für Sport",
            can_sign=can_sign,
            # the signature block a notice needs (guard signature_block_complete)
            function="Referent",
            unit="Referat 35",
            phone="06131 16-0",
        )
        for i in range(count)
    ]


def add_cities(world, count: int) -> list[tuple[Municipality, object]]:
    """Create `count` cities invited to the world's round, each with an applicant account."""
    cities = []
    for i in range(count):
        ags = f"07338{i:03d}"  # Rhein-Pfalz-Kreis: a district whose court is known
        city = Municipality(
            ags=ags,
            name=f"Teststadt {i:02d}",
            kind="kreisfreie_stadt",
            is_city=True,
            population=20000 + i,
            # the addressee a notice needs (guard addressee_complete)
            head_title="Oberbürgermeister",
            street=f"Rathausplatz {i + 1}",
            postal_code="67059",
            town=f"Teststadt {i:02d}",
            # the account a call-off names (fictitious, checksum-valid)
            iban="DE20547500109999990001",
            account_holder=f"Stadtkasse Teststadt {i:02d}",
        )
        db.session.add(city)
        world.round.invited.append(city)
        db.session.flush()
        applicant = create_user(
            email=f"digital@teststadt{i:02d}.de",
            name=f"Digital Teststadt {i:02d}",
            role="applicant",
            password=PASSWORD,
            municipality_ags=ags,
        )
        cities.append((city, applicant))
    db.session.commit()
    return cities


def drive_application(world, city, applicant, state: str) -> Application:
    """Create the city's application and drive it by the engine into `state`."""
    application = Application(round=world.round, municipality=city, created_by=applicant)
    case = engine.start("membership", application, applicant)
    fill_complete(application, applicant)
    actors = {
        "applicant": applicant,
        "reviewer": world.users.reviewer,
        "reviewer2": world.users.reviewer2,
    }
    for trigger, who, comment in STEPS[state]:
        engine.fire(case.id, trigger, actors[who], version=case.version, comment=comment)
    db.session.commit()
    return application


def race(functions, starts: list | None = None) -> list:
    """Run the functions in threads released together by a barrier; return their results.

    With `starts`, the moment (perf_counter) each function was called is appended to it.
    """
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, function):
        barrier.wait()
        if starts is not None:
            starts.append(time.perf_counter())
        try:
            results[i] = function()
        except Exception as exc:  # a connection error is a result too
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def statuses(results) -> list:
    """Return the status codes (or the connection errors) of the results, sorted."""
    return sorted(
        (r.status_code if hasattr(r, "status_code") else repr(r) for r in results), key=str
    )


def fresh():
    """Forget what the test's session has loaded, to read what the server committed."""
    db.session.rollback()
    db.session.expire_all()


def history_of(case_id: int) -> list[HistoryEntry]:
    return db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case_id).order_by(HistoryEntry.seq)
    ).all()


def assert_consistent(database_uri: str) -> None:
    """Every case's state is its last history entry's; the chain verifies; SQLite is intact."""
    from antrag.engine import history

    fresh()
    for case in db.session.scalars(select(Case)):
        entries = history_of(case.id)
        assert entries, f"case {case.id} has no history"
        assert case.state == entries[-1].to_state, (case.id, case.state, entries[-1].to_state)
    checked, broken = history.verify()
    assert broken is None, broken
    assert checked > 0
    if database_uri.startswith("sqlite"):
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def login_all(url: str, users) -> list[Browser]:
    """Log each user in over HTTP (a few at a time) and return their browsers."""
    emails = [user.email for user in users]  # read here: the threads have no app context
    with ThreadPoolExecutor(max_workers=8) as pool:
        browsers = list(pool.map(lambda email: Browser(url).login(email), emails))
    for email in set(emails):  # roles that must have a second factor: see the helper
        pass_open_sessions(email)
    return browsers


def explain(results, server) -> str:
    """Describe unexpected results for an assertion message, with the server's log tail."""
    return f"{statuses(results)}\n--- gunicorn log ---\n{server.log_text()[-4000:]}"
