"""Support for the stateful test: a fresh app and world per example, and the invariants."""

import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from conftest import JINJA_CACHE, IsolatedClient, WebClient
from conftest import build_world as conftest_world
from databases import Template, base_config
from sqlalchemy import func, select

from antrag import create_app
from antrag.engine import history
from antrag.engine.models import Case, HistoryEntry
from antrag.engine.registry import SUBJECTS
from antrag.engine.workflows import workflows
from antrag.extensions import db
from antrag.funding import ledger
from antrag.funding.models import FundingNotice
from antrag.programme.models import Round

# The case page and the action URL of each workflow's subject.
PAGES = {
    "membership": "/antraege/{id}",
    "funding_notice": "/bescheide/{id}",
    "rejection_notice": "/bescheide/ablehnungen/{id}",
    "call_off": "/bescheide/abrufe/{id}",
    "proof_of_use": "/bescheide/nachweise/{id}",
    "mentoring": "/mentoring/zuordnungen/{id}",
}
ROLES = {
    "speyer": "applicant",
    "andernach": "applicant",
    "pirmasens": "applicant",
    "reviewer": "reviewer",
    "reviewer2": "reviewer",
    "mentor": "mentor",
    "admin": "admin",
}


class Example:
    """One Hypothesis example: its own migrated database copy, app, world and clients."""

    def __init__(self, template: Template, root: Path):
        self.folder = Path(tempfile.mkdtemp(dir=root))
        self.uri = template.copy(self.folder)
        config = base_config(self.uri, self.folder) | {"SERVER_NAME": "antrag.test"}
        self.app = create_app(config)
        self.app.jinja_env.bytecode_cache = JINJA_CACHE
        self.app.test_client_class = IsolatedClient
        self.context = self.app.app_context()
        self.context.push()
        self.world = build_world()
        self.webs = {}
        for name, user in vars(self.world.users).items():
            self.webs[name] = WebClient(self.app.test_client())
            self.webs[name].login(user)

    def close(self) -> None:
        """Drop everything this example created."""
        db.session.remove()
        db.engine.dispose()
        self.context.pop()
        Template.drop(self.uri)
        shutil.rmtree(self.folder, ignore_errors=True)


def build_world():
    """Create conftest's world with a tight budget, a signing reviewer and a mentor."""
    world = conftest_world(budget=Decimal("100000.00"))  # less than two standard amounts
    world.users.reviewer.can_sign = True
    world.users.mentor.mentor_capacity = 3
    db.session.commit()
    return world


def cases() -> list[Case]:
    """Return every case, oldest first."""
    return db.session.scalars(select(Case).order_by(Case.id)).all()


def subject_id(case: Case) -> int:
    """Return the id of the subject row (application, notice, …) of `case`."""
    definition = workflows().get(case.workflow, case.workflow_version)
    model = SUBJECTS[definition.subject]
    return db.session.scalar(select(model.id).filter_by(case_id=case.id))


def page_of(case: Case) -> str:
    """Return the URL of the case page of `case`."""
    return PAGES[case.workflow].format(id=subject_id(case))


def history_of(case_id: int) -> list[HistoryEntry]:
    return db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case_id).order_by(HistoryEntry.seq)
    ).all()


def check_invariants() -> None:
    """Assert every invariant of the committed data; read in a fresh transaction."""
    db.session.rollback()
    db.session.expire_all()
    for case in cases():
        definition = workflows().get(case.workflow, case.workflow_version)
        entries = history_of(case.id)
        assert entries, f"case {case.id} has no history"
        first = entries[0]
        assert (first.trigger, first.from_state, first.to_state) == (
            "start",
            None,
            definition.initial,
        ), f"case {case.id} does not begin with its start entry"
        for previous, entry in zip(entries, entries[1:], strict=False):
            assert entry.from_state == previous.to_state, (
                f"case {case.id}: entry {entry.seq} starts in {entry.from_state}, "
                f"the one before ended in {previous.to_state}"
            )
            transition = definition.transition(entry.trigger)
            assert (
                transition is not None
                and entry.from_state in transition.sources
                and entry.to_state == transition.dest
            ), f"case {case.id}: {entry.trigger} {entry.from_state}->{entry.to_state} undeclared"
        assert entries[-1].to_state == case.state, (
            f"case {case.id} is {case.state}, its history ends in {entries[-1].to_state}"
        )
    for round_ in db.session.scalars(select(Round)):
        assert round_.available >= 0, f"round {round_.id} overspent: {ledger.figures(round_)}"
        assert ledger.reconcile(round_) == [], ledger.reconcile(round_)
    doubles = db.session.execute(
        select(FundingNotice.application_id, func.count())
        .group_by(FundingNotice.application_id)
        .having(func.count() > 1)
    ).all()
    assert doubles == [], f"applications with more than one notice: {doubles}"
    checked, broken = history.verify()
    assert broken is None, f"history chain broken after {checked} entries: {broken}"
    db.session.rollback()
