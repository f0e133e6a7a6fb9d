"""Shared fixtures: a migrated database per test, the app, clients and a small world."""

import gc
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from databases import SERVER_URL, Template, base_config
from flask.testing import FlaskClient
from form_support import form_tokens
from jinja2 import BytecodeCache
from second_factor_support import pass_second_factor
from snapshots import Snapshots, track

from antrag import create_app
from antrag.db_types import utcnow
from antrag.extensions import db

PASSWORD = "korrekt-pferd-batterie"


def pytest_collection_modifyitems(config, items):
    """Start the long tests first; on PostgreSQL, leave out the tests whose subject does not
    depend on the database.

    `make test` runs the whole suite on SQLite and then again on PostgreSQL (`.ci/run`).
    Tests marked `database_agnostic` (PDF documents, legal and grant arithmetic, formats,
    catalogs, the treasury's file formats, the API's documented shapes, the demo data, browser
    journeys and accessibility, WebAuthn ceremonies, the pages' authorization table) would
    only repeat themselves there; everything that reads or
    writes through the app's queries, constraints and races runs on both.
    """
    if SERVER_URL:
        kept, left_out = [], []
        for item in items:
            (left_out if item.get_closest_marker("database_agnostic") else kept).append(item)
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept
    items.sort(key=_runs_long, reverse=True)


# Tests that take several seconds each (a browser, a gunicorn, generated journeys or API
# calls). They start first, so that pytest-xdist's workers do not wait for one of them at
# the end of the run; the order among the others is unchanged.
SLOW_MARKERS = ("browser", "concurrency")
SLOW_MODULES = ("test_stateful.py", "test_api_schemathesis.py")


def _runs_long(item) -> bool:
    return item.path.name in SLOW_MODULES or any(
        item.get_closest_marker(marker) for marker in SLOW_MARKERS
    )


# Every test builds an app, an engine and a world: cyclic garbage that the collector's full
# (oldest-generation) passes used to walk together with the whole import graph, a quarter of
# the suite's CPU time. After collection the imported modules are frozen out of the walk,
# young generations are collected less often, and the full pass runs every GC_FULL_EVERY
# tests, which bounds the memory a worker holds (measured: 120 -> 85 ms CPU per test).
GC_FULL_EVERY = 100
_tests_since_full_gc = 0


def pytest_collection_finish(session):
    """Freeze what collection imported and make the collector's passes rarer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 1_000_000)


def pytest_runtest_teardown(item, nextitem):
    """Run the full collection every GC_FULL_EVERY tests (see above)."""
    global _tests_since_full_gc
    _tests_since_full_gc += 1
    if _tests_since_full_gc >= GC_FULL_EVERY:
        _tests_since_full_gc = 0
        gc.collect()


class _MemoryBytecodeCache(BytecodeCache):
    """Compile each template once per test session instead of once per app."""

    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


JINJA_CACHE = _MemoryBytecodeCache()


def _compile_url_builders_once() -> None:
    """Build each URL rule's builder function once per test process instead of once per app.

    Werkzeug generates and compiles a small function per rule and app; the suite creates an
    app per test (about 150 rules each), which made this a third of a test's set-up. The
    generated code depends only on the rule's text, its trace and defaults, so the same rule
    in the next app gets the same function.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built = {}

    def cached(self, append_unknown=True):
        key = (
            self.rule,
            tuple(self._trace),
            repr(sorted((self.defaults or {}).items())),
            append_unknown,
        )
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = cached


_compile_url_builders_once()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context.

    The fixtures keep an app context pushed; without this, requests would share its `g`
    (the logged-in user) and its database session, which real requests never do.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Run the real migrations once; every test gets a copy of the result."""
    template = Template(tmp_path_factory.mktemp("template"))
    yield template
    template.close()


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory):
    """The snapshots of expensive fixtures in this test process (see tests/snapshots.py)."""
    found = Snapshots(tmp_path_factory.mktemp("snapshots"))
    yield found
    found.close()


@pytest.fixture
def database_uri(database_template, tmp_path):
    """A fresh migrated database for one test."""
    uri = database_template.copy(tmp_path)
    yield uri
    Template.drop(uri)


@pytest.fixture
def app(database_uri, tmp_path):
    """The app on its own migrated database, with an app context pushed."""
    config = base_config(database_uri, tmp_path) | {"SERVER_NAME": "antrag.test"}
    app = create_app(config)
    app.jinja_env.bytecode_cache = JINJA_CACHE
    app.test_client_class = IsolatedClient
    with app.app_context():
        track(app)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def same_day():
    """Freeze the clock at 11:00 Berlin time of today, for tests that compare "today" taken
    at two moments (an order's day, an export's day): they never straddle midnight."""
    from datetime import datetime, time

    from antrag.clock import frozen_at, now
    from antrag.engine.calendar import BERLIN

    today = now().astimezone(BERLIN).date()
    with frozen_at(datetime.combine(today, time(11), tzinfo=BERLIN)):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class WebClient:
    """The test client with a login helper and automatic CSRF tokens (CSRF stays on).

    Like a browser, it sends a creating form's one-time token with a post to the form's
    address: the token of the form on the page last shown (so posting twice without
    showing the form again sends the same form twice).
    """

    def __init__(self, client):
        self.client = client
        self.token = None
        self.form_tokens: dict[str, str] = {}

    def _remember_token(self, response):
        response.get_data()  # read the body so that file responses release their handle
        response.close()
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            match = CSRF_RE.search(page)
            if match:
                self.token = match.group(1)
            self.form_tokens.update(form_tokens(page, response.request.path))
        return response

    def get(self, url, **kwargs):
        return self._remember_token(self.client.get(url, **kwargs))

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/anmelden")
            data.setdefault("csrf_token", self.token)
        once = self.form_tokens.get(urlsplit(url).path)
        if once is not None:
            data.setdefault("form_token", once)
        return self._remember_token(self.client.post(url, data=data, **kwargs))

    def fill(self, url, data=None, *, page=None, **kwargs):
        """Open the form (on `page`, by default `url` itself) and send it, as a person does."""
        self.get(page or url)
        return self.post(url, data, **kwargs)

    def login(self, user, password=PASSWORD):
        self.token = None
        self.get("/anmelden")
        response = self.post("/anmelden", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        pass_second_factor(self.client, user)
        self.token = None
        # Any page's logout form carries a token; the legal notice is the cheapest page (the
        # start page is the person's inbox, which tests of the inbox open themselves).
        self.get("/impressum")
        return response

    def logout(self):
        return self.post("/abmelden")


@pytest.fixture
def web(client):
    return WebClient(client)


@pytest.fixture
def make_web(app):
    """Return a factory of independent logged-in clients (one per person)."""

    def factory(user=None):
        wc = WebClient(app.test_client())
        if user is not None:
            wc.login(user)
        return wc

    return factory


@dataclass
class World:
    """A programme with an open round, two cities and one account per role."""

    programme: object
    round: object
    speyer: object
    andernach: object
    pirmasens: object
    users: SimpleNamespace

    def ids(self) -> dict:
        """The primary keys of the world's rows (to load it again from a snapshot)."""
        return {
            "programme": self.programme.id,
            "round": self.round.id,
            "cities": [self.speyer.id, self.andernach.id, self.pirmasens.id],
            "users": {name: user.id for name, user in vars(self.users).items()},
        }

    @classmethod
    def load(cls, ids: dict) -> "World":
        """Return the world whose rows have these primary keys, from the current session."""
        from antrag.accounts.models import User
        from antrag.programme.models import Municipality, Programme, Round

        cities = [db.session.get(Municipality, id_) for id_ in ids["cities"]]
        users = {name: db.session.get(User, id_) for name, id_ in ids["users"].items()}
        return cls(
            db.session.get(Programme, ids["programme"]),
            db.session.get(Round, ids["round"]),
            *cities,
            SimpleNamespace(**users),
        )


@pytest.fixture
def world(app, snapshots) -> World:
    return snapshots.reuse(app, "world", build_world, World.ids, World.load)


def build_world(budget: Decimal = Decimal("243000.00")) -> World:
    """Create the world in the current app's database and commit it."""
    from antrag.accounts.operations import create_user
    from antrag.programme.models import Municipality, Programme, Round

    # The addressee of the notices (head title, seat of the administration).
    speyer = Municipality(
        ags="07318000", name="Speyer", kind="kreisfreie_stadt", is_city=True, population=50741,
        head_title="Oberbürgermeister", street="Maximilianstraße 100", postal_code="67346",
        town="Speyer", iban="DE20547500109999990001", bic="MALADE51SPY",
        account_holder="Stadtkasse Speyer",
    )  # fmt: skip
    andernach = Municipality(
        ags="07137003",
        name="Andernach",
        kind="grosse_kreisangehoerige_stadt",
        is_city=True,
        population=30220,
        head_title="Oberbürgermeister",
        street="Läufstraße 11",
        postal_code="56626",
        town="Andernach",
        iban="DE93576500109999990001",
        bic="MALADE51MYN",
        account_holder="Stadtkasse Andernach",
    )
    pirmasens = Municipality(
        ags="07317000", name="Pirmasens", kind="kreisfreie_stadt", is_city=True, population=40584,
        head_title="Oberbürgermeister", street="Exerzierplatzstraße 17", postal_code="66953",
        town="Pirmasens", iban="DE81542500109999990001", account_holder="Stadtkasse Pirmasens",
    )  # fmt: skip
    # The legal basis a notice names: the guideline (invented for the tests) and the budget
    # item of the round.
    programme = Programme(
        name="Interkommunales Netzwerk Digitale Stadt",
        guideline_title="Förderrichtlinie Interkommunales Netzwerk Digitale Stadt (Test)",
        guideline_date=date(2019, 1, 15),
    )
    today = utcnow().date()
    rnd = Round(
        programme=programme,
        name="Testrunde",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        budget=budget,
        standard_amount=Decimal("60750.00"),
        eligibility="invited",
        invited=[speyer, andernach],
        budget_chapter="03 01",
        budget_title="883 01",
    )
    db.session.add_all([speyer, andernach, pirmasens, programme, rnd])
    db.session.flush()

    def user(email, role, ags=None, organisation=None):
        # The cities' accounts may represent their city, so that they can waive (§ 47 GemO);
        # the reviewers carry the signature block a notice they sign needs.
        extras = {
            "applicant": {"may_represent": True, "represents_as": "Oberbürgermeisterin"},
            "reviewer": {"function": "Referentin", "unit": "Referat 35", "phone": "06131 16-0"},
        }
        return create_user(
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            password=PASSWORD,
            municipality_ags=ags,
            organisation=organisation,
            **extras.get(role, {}),
        )

    users = SimpleNamespace(
        speyer=user("digital@speyer.de", "applicant", "07318000"),
        andernach=user("digital@andernach.de", "applicant", "07137003"),
        pirmasens=user("digital@pirmasens.de", "applicant", "07317000"),
        reviewer=user(
            "anna.prueferin@mdi.rlp.de",
            "reviewer",
            organisation="Ministerium des Innern und für Sport",
        ),
        reviewer2=user(
            "ben.pruefer@mdi.rlp.de",
            "reviewer",
            organisation="Ministerium des Innern und für Sport",
        ),
        mentor=user("mentorin@kl.digital", "mentor", organisation="KL.digital GmbH"),
        admin=user(
            "admin@antrag.rlp.de", "admin", organisation="Ministerium des Innern und für Sport"
        ),
    )
    db.session.commit()
    return World(programme, rnd, speyer, andernach, pirmasens, users)


def extra_round(world, name: str):
    """Return another open round of the world's programme, open to every city.

    A city has one application per round, so a second one of the same city needs another
    round.
    """
    from antrag.programme.models import Round

    found = Round(
        programme=world.programme,
        name=name,
        opens_on=world.round.opens_on,
        closes_on=world.round.closes_on,
        budget=Decimal("243000.00"),
        standard_amount=Decimal("60750.00"),
        eligibility="all_cities",
        budget_chapter="03 01",
        budget_title="883 01",
    )
    db.session.add(found)
    db.session.commit()
    return found


STEPS = {
    "draft": [],
    "submitted": [("submit", "applicant", None)],
    "in_review": [("submit", "applicant", None), ("start_review", "reviewer", None)],
    "changes_requested": [
        ("submit", "applicant", None),
        ("start_review", "reviewer", None),
        ("request_changes", "reviewer", "Bitte Kostenschätzung ergänzen."),
    ],
    "proposed_approval": [
        ("submit", "applicant", None),
        ("start_review", "reviewer", None),
        ("propose_approval", "reviewer", "Vollständig und förderfähig."),
    ],
    "proposed_rejection": [
        ("submit", "applicant", None),
        ("start_review", "reviewer", None),
        ("propose_rejection", "reviewer", "Nicht förderfähig."),
    ],
    "approved": [
        ("submit", "applicant", None),
        ("start_review", "reviewer", None),
        ("propose_approval", "reviewer", "Vollständig und förderfähig."),
        ("approve", "reviewer2", None),
    ],
    "rejected": [
        ("submit", "applicant", None),
        ("start_review", "reviewer", None),
        ("propose_rejection", "reviewer", "Nicht förderfähig."),
        ("reject", "reviewer2", None),
    ],
    "withdrawn": [("withdraw", "applicant", "Kein Bedarf mehr.")],
}


def fill_complete(application, user) -> None:
    """Give `application` every field, one project, the declarations and a council resolution."""
    from datetime import date

    from antrag.applications.models import Project
    from antrag.clock import now

    # The project starts after the round closes (today + 30 days), so that no test submits
    # after its start and needs an early start (vorzeitiger Maßnahmebeginn).
    start = now().date() + timedelta(days=40)
    from antrag.applications.storage import minimal_pdf, store_pdf

    application.contact_name = "Maria Beispiel"
    application.contact_function = "Digitalisierungsbeauftragte"
    application.contact_email = "maria.beispiel@example.org"
    application.contact_phone = "06232 14-0"
    application.head_of_administration = "Oberbürgermeisterin Erika Muster"
    application.requested_amount = Decimal("60750.00")
    application.own_contribution = Decimal("6750.00")
    application.third_party_funds = Decimal("0.00")  # the plan balances: 6750 + 60750 = 67500
    application.declaration_no_early_start = True
    application.declaration_accuracy = True
    application.declaration_privacy = True
    application.projects.append(
        Project(
            position=0,
            title="Digitales Bürgerbüro",
            description="Online-Terminvergabe und Antragsstrecken.",
            field_of_action="verwaltung",
            period_start=start,
            period_end=max(date(2027, 12, 31), start),
            estimated_cost=Decimal("67500.00"),
        )
    )
    db.session.flush()
    store_pdf(application, minimal_pdf(), "Ratsbeschluss.pdf", user)


@pytest.fixture
def make_application(world):
    """Return a factory: an application of `municipality` driven by the engine into `state`."""
    from antrag import engine
    from antrag.applications.models import Application

    applicants = {
        world.speyer.id: world.users.speyer,
        world.andernach.id: world.users.andernach,
        world.pirmasens.id: world.users.pirmasens,
    }

    def factory(state="draft", municipality=None, complete=True, round_=None):
        municipality = municipality or world.speyer
        applicant = applicants[municipality.id]
        application = Application(
            round=round_ or world.round, municipality=municipality, created_by=applicant
        )
        case = engine.start("membership", application, applicant)
        if complete:
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

    return factory
