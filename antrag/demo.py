"""Demo data: `flask demo load` replays the seed story, `flask demo logins` lists its accounts.

The story (see `demo_story`) is told through the real operations and the engine: every
account, round and application is created by the functions the UI and CLI use, every
state change goes through `engine.fire`, each with the clock frozen at the moment it
happened, so that the history carries realistic past timestamps and its chain verifies.
Everything is committed in one transaction, and only where LOAD_DEMO_DATA is on.
"""

import logging
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from . import demo_story as story
from . import engine
from .accounts.models import User
from .accounts.operations import create_user
from .applications.forms import Upload
from .applications.models import Application
from .applications.operations import create_application, save_application
from .applications.storage import minimal_pdf, path_of
from .clock import frozen_at, now
from .engine.calendar import BERLIN
from .extensions import db
from .formats import format_date
from .funding.models import FundingNotice
from .funding.operations import request_call_off
from .meetings import demo as meeting_demo
from .mentoring.models import MentoringAssignment
from .network import demo as network_demo
from .payments.bank import demo_account
from .programme.models import Municipality, Programme
from .programme.operations import create_municipality, create_programme, create_round
from .programme.rlp_municipalities import CITIES, seat_address
from .reclaim.operations import open_by_reviewer, reclaims_of

logger = logging.getLogger(__name__)
demo_cli = AppGroup("demo", help="Load the demo data and list its logins.")

# The one password of every demo account. Only this loader sets it, and only where
# LOAD_DEMO_DATA is on (development), never in production.
DEMO_PASSWORD = "Digitale-Stadt-2019"  # noqa: S105
SETUP_AT = "2019-01-14 08:30"


def _berlin(text: str) -> datetime:
    """Return the aware datetime of "YYYY-MM-DD HH:MM" in Berlin time."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def head_title_of(head: str | None) -> str | None:
    """Return the title of "Oberbürgermeisterin Dr. Claudia Brandt" (its first word), or None."""
    first = (head or "").split(" ", 1)[0]
    return first if "ürgermeister" in first else None


def has_data() -> bool:
    """Return whether the database already holds accounts, municipalities or programmes."""
    return any(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Municipality, Programme)
    )


class Replay:
    """Tells the story event by event, in the order in which it happened."""

    def __init__(self, today: datetime | None = None):
        self.now = (today or now()).astimezone(BERLIN)
        year = self.now.year
        # The open round covers this year and the next, so the demo stays usable for a while.
        self.open_from, self.open_until = date(year, 1, 1), date(year + 1, 12, 31)
        self.users: dict[str, User] = {}
        self.rounds: dict = {}
        self.applications: dict[str, Application] = {}
        self.files: list[Path] = []

    def run(self) -> None:
        """Play every event with the clock frozen at its moment; flush, never commit."""
        for moment, action, args in sorted(self.events(), key=itemgetter(0)):
            with frozen_at(moment):
                action(*args)
        db.session.flush()

    def events(self) -> list[tuple]:
        """Return (moment, function, arguments) for the whole story."""
        events = [(_berlin(SETUP_AT), self.setup, ())]
        events += [(_berlin(a.created), self.staff, (a,)) for a in story.STAFF]
        events += meeting_demo.events(self)
        for spec in story.ROUNDS:
            moment = _berlin(spec.created) if spec.created else self._opening()
            events.append((moment, self.add_round, (spec,)))
        for city in story.STORIES:
            for number, (when, action, actor, comment) in enumerate(city.steps):
                moment = self._recent(when, number) if isinstance(when, int) else _berlin(when)
                events.append((moment, self.step, (city, action, actor, comment)))
        return events

    def _recent(self, days_ago: int, number: int) -> datetime:
        """Return a moment `days_ago` days back, inside the open round and before now."""
        day = self.now.date() - timedelta(days=days_ago)
        minutes = 7 * number  # a long story's later steps spill over into the next hours
        moment = datetime.combine(day, time(10 + minutes // 60, minutes % 60), tzinfo=BERLIN)
        return min(max(moment, self._opening()), self.now - timedelta(minutes=1))

    def _opening(self) -> datetime:
        """Return the morning the open round opened (when it was created)."""
        return min(
            datetime.combine(self.open_from, time(8), tzinfo=BERLIN),
            self.now - timedelta(minutes=2),
        )

    def setup(self) -> None:
        """Create the cities of the state (with their seat addresses) and the programme."""
        heads = {c.ags: head_title_of(c.head) for c in story.STORIES}
        for city in CITIES:
            create_municipality(
                ags=city.ags,
                name=city.name,
                kind=city.kind,
                is_city=city.is_city,
                population=city.population,
                head_title=heads.get(city.ags),
                **seat_address(city.ags),
                **demo_account(city.ags, city.name),
            )
        create_programme(
            name=story.PROGRAMME,
            description=story.PROGRAMME_DESCRIPTION,
            guideline_title=story.GUIDELINE_TITLE,
            guideline_date=date.fromisoformat(story.GUIDELINE_DATE),
        )

    def staff(self, account: story.Account) -> None:
        """Create a ministry, KL.digital or administration account."""
        self.users[account.key] = create_user(
            email=account.email,
            name=account.name,
            role=account.role,
            password=DEMO_PASSWORD,
            organisation=account.organisation,
            **story.STAFF_DUTIES.get(account.key, {}),
        )

    def add_round(self, spec: story.RoundSpec) -> None:
        """Create a round; the open round is named after the years it covers."""
        opens = date.fromisoformat(spec.opens) if spec.opens else self.open_from
        closes = date.fromisoformat(spec.closes) if spec.closes else self.open_until
        name = spec.name if spec.opens else f"{spec.name} {opens.year}/{closes.year}"
        programme = db.session.scalar(select(Programme).filter_by(name=story.PROGRAMME))
        invited = db.session.scalars(
            select(Municipality).where(Municipality.ags.in_(spec.invited))
        ).all()
        self.rounds[spec.key] = create_round(
            programme=programme,
            name=name,
            opens_on=opens,
            closes_on=closes,
            budget=Decimal(spec.budget),
            standard_amount=Decimal(story.STANDARD_AMOUNT),
            eligibility=spec.eligibility,
            invited=list(invited),
            budget_chapter=story.BUDGET_CHAPTER,
            budget_title=story.BUDGET_TITLE,
        )

    def step(self, city: story.CityStory, action: str, actor: str, comment: str | None) -> None:
        """Play one step of a city's story: an account, a form edit or a transition."""
        if action == "account":
            self.users[city.ags] = create_user(
                email=city.email,
                name=city.officer,
                role="applicant",
                password=DEMO_PASSWORD,
                municipality_ags=city.ags,
                **self._representation(city),
            )
        elif action == "start":
            self.start(city)
        elif action == "fill":
            self.fill(city)
        elif action == "revise":
            self.fill(city, revised=True)
        elif action.startswith("call_off:"):
            self.call_off(city, action.removeprefix("call_off:"), actor, comment)
        elif action.startswith("reclaim:"):
            self.reclaim(city, action.removeprefix("reclaim:"), actor, comment)
        else:
            application = self.applications[city.ags]
            case, inputs = application.case, None
            if action.startswith("notice:"):
                case = self._notice(application).case
            elif action.startswith("mentoring:"):
                assignment = self._open_assignment(application)
                case, actor = assignment.case, assignment.mentor
                if action == "mentoring:kick_off":
                    inputs, comment = {"kickoff_on": date.fromisoformat(comment)}, None
            if action == "notice:waive_appeal":
                inputs = {"represents_as": story.REPRESENTS_AS}
            if actor == "system":  # a time-out, fired only once its due date has passed
                if case.due_at is None or case.due_at > now():
                    raise ValueError(f"{city.ags}: {action} is not due at {now()}")
                actor = engine.SYSTEM
            who = (
                actor
                if isinstance(actor, User) or actor is engine.SYSTEM
                else self.users[city.ags if actor == "city" else actor]
            )
            trigger = action.partition(":")[2] or action
            engine.fire(case.id, trigger, who, version=case.version, comment=comment, inputs=inputs)

    @staticmethod
    def _representation(city: story.CityStory) -> dict:
        """Let the officer of a city that waives its right of action represent the city."""
        if any(step[1] == "notice:waive_appeal" for step in city.steps):
            return {"may_represent": True, "represents_as": story.REPRESENTS_AS}
        return {}

    def call_off(self, city: story.CityStory, what: str, actor: str, comment: str | None) -> None:
        """Request a call-off (`what` is an amount) or move the newest one on (a trigger)."""
        notice = self._notice(self.applications[city.ags])
        if what[0].isdigit():
            request_call_off(self.users[city.ags], notice, Decimal(what), comment)
            return
        newest = max(notice.call_offs, key=lambda c: c.id)
        inputs = None
        if what == "confirm_payment":  # the treasury paid on the day the story confirms it
            inputs = {"value_date": now().astimezone(BERLIN).date()}
        engine.fire(
            newest.case_id, what, self.users[actor], version=newest.case.version, inputs=inputs
        )

    def reclaim(self, city: story.CityStory, what: str, actor: str, comment: str | None) -> None:
        """Open a reclaim (`what` is an amount) or move the newest one on (a trigger)."""
        notice = self._notice(self.applications[city.ags])
        if what[0].isdigit():
            open_by_reviewer(self.users[actor], notice, Decimal(what), comment, now().date())
            return
        newest = reclaims_of(notice)[-1]
        engine.fire(newest.case_id, what, self.users[actor], version=newest.case.version)

    @staticmethod
    def _notice(application: Application) -> FundingNotice:
        return db.session.scalars(
            db.select(FundingNotice).filter_by(application_id=application.id)
        ).one()

    @staticmethod
    def _open_assignment(application: Application) -> MentoringAssignment:
        """Return the application's newest mentoring assignment."""
        return db.session.scalars(
            db.select(MentoringAssignment)
            .filter_by(application_id=application.id)
            .order_by(MentoringAssignment.id.desc())
            .limit(1)
        ).one()

    def start(self, city: story.CityStory) -> None:
        """Open a new draft application of the city in its round, as its officer."""
        officer = self.users[city.ags]
        application = create_application(officer, self.rounds[city.round_key])
        self.applications[city.ags] = application

    def fill(self, city: story.CityStory, revised: bool = False) -> None:
        """Save the form as the officer would: fields, projects, declarations, the PDF."""
        application = self.applications[city.ags]
        officer = self.users[city.ags]
        ids = [p.id for p in application.projects]
        projects = []
        for number, (title, field_, start, end, cost, text) in enumerate(city.projects):
            if revised and number == 0:
                text = city.revision
            projects.append(
                {
                    "id": ids[number] if number < len(ids) else None,
                    "title": title,
                    "description": text,
                    "field_of_action": field_,
                    "period_start": self._date(start),
                    "period_end": self._date(end),
                    "estimated_cost": Decimal(cost) if cost else None,
                }
            )
        data = {
            "contact_name": city.officer,
            "contact_function": city.function,
            "contact_email": city.email,
            "contact_phone": city.phone,
            "head_of_administration": city.head,
            "requested_amount": Decimal(story.STANDARD_AMOUNT) if city.head else None,
            "own_contribution": Decimal(city.own_contribution) if city.own_contribution else None,
            # The plans balance: own contribution + grant = the projects' costs, no third party.
            "third_party_funds": Decimal("0.00") if city.own_contribution else None,
            "early_start_requested": city.early_start is not None,
            "early_start_reason": city.early_start,
            "declaration_no_early_start": city.declarations,
            "declaration_accuracy": city.declarations,
            "declaration_privacy": city.declarations,
            "projects": projects,
            "add_project": False,
            "council_resolution": None,
        }
        if city.resolution and not revised:
            data["council_resolution"] = self.council_resolution(application, city.resolution)
        engine.touch(application.case, application.case.version)
        save_application(officer, application, data)
        if data["council_resolution"] is not None:
            self.files.append(path_of(application.council_resolution))

    def council_resolution(self, application: Application, when: str) -> Upload:
        """Return the council's resolution as a small PDF, as the form hands it over."""
        if when == story.RECENT:
            when = format_date(now().astimezone(BERLIN).date() - timedelta(days=7))
        name = application.municipality.name
        pdf = minimal_pdf(f"Ratsbeschluss der Stadt {name} vom {when}")
        return Upload(f"Ratsbeschluss_{name.replace(' ', '_')}.pdf", pdf)

    def _date(self, text: str | None) -> date | None:
        """Parse "YYYY-MM-DD", or "+1-MM-DD" for a day of next year."""
        if text is None:
            return None
        if text.startswith("+1-"):
            return date.fromisoformat(f"{self.now.year + 1}{text[2:]}")
        return date.fromisoformat(text)

    def remove_files(self) -> None:
        """Delete the uploads written so far (after a rollback)."""
        for path in self.files:
            path.unlink(missing_ok=True)


def demo_logins() -> list[tuple[str, str, str]]:
    """Return (role, municipality or organisation, e-mail) of the demo accounts present."""
    order = [a.email for a in story.STAFF] + [c.email for c in story.STORIES]
    users = db.session.scalars(select(User).where(User.email.in_(order))).all()
    users = sorted(users, key=lambda u: order.index(u.email))
    return [
        (u.role, u.municipality.name if u.municipality else (u.organisation or ""), u.email)
        for u in users
    ]


def _stop(message: str, quietly: bool) -> None:
    """End the command: quietly (exit 0) for --if-empty, otherwise with an error."""
    if quietly:
        click.echo(f"Demo data not loaded: {message}")
        sys.exit(0)
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already holds data.")
def load(if_empty):
    """Load the seed story into an empty database, in one transaction."""
    if not current_app.config.get("LOAD_DEMO_DATA"):
        _stop("demo data is switched off in this configuration (LOAD_DEMO_DATA).", if_empty)
    if has_data():
        _stop("the database already holds data; the demo loads only into an empty one.", if_empty)
    replay = Replay()
    try:
        replay.run()
        network_demo.share_projects(replay)
        db.session.commit()
    except Exception:
        db.session.rollback()
        replay.remove_files()
        raise
    logger.info("Demo data loaded")
    click.echo(
        f"Demo data loaded: {len(replay.users)} accounts, {len(replay.rounds)} rounds, "
        f"{len(replay.applications)} applications."
    )


@demo_cli.command("logins")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where it runs.")
def logins(url):
    """Print the URL and a table of the demo logins."""
    click.echo(f"Antrag runs on {url.rstrip('/')}/")
    click.echo(
        f"JSON API: {url.rstrip('/')}/api/v1/docs "
        "(tokens on the page API-Zugänge or with `flask --app wsgi users token EMAIL --name NAME`)"
    )
    rows = demo_logins()
    if not rows:
        click.echo("No demo accounts in this database (load them with `flask demo load`).")
        return
    header = ("ROLE", "MUNICIPALITY / ORGANISATION", "E-MAIL", "PASSWORD")
    table = [header] + [(*row, DEMO_PASSWORD) for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    click.echo("Demo logins:")
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  " + "  ".join([*cells, row[3]]))
