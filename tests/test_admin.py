"""The admin area: who may enter, and creating and changing users, municipalities and rounds."""

import re
from datetime import date
from decimal import Decimal

import pytest
from flask import url_for
from funding_support import issued_notice
from sqlalchemy import func, select

from antrag.accounts.models import User
from antrag.extensions import db
from antrag.programme.models import Municipality, Programme, Round

NEW_PASSWORD = "ein-ganz-neues-passwort"


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _a_message():
    """Return a queued message (the outbox's message page needs one)."""
    from antrag.mail.models import OutboxMessage

    message = db.session.scalars(select(OutboxMessage).limit(1)).first()
    if message is None:
        message = OutboxMessage(
            template="test",
            recipient="stadt@speyer.de",
            recipient_name="Stadt Speyer",
            subject="Testnachricht",
            body="Guten Tag.",
        )
        db.session.add(message)
        db.session.commit()
    return message


def admin_pages(world) -> dict[str, str]:
    """Return every admin endpoint with a URL that opens it."""
    return {
        "admin.index": url_for("admin.index"),
        "admin.users": url_for("admin.users"),
        "admin.user_new": url_for("admin.user_new"),
        "admin.user_edit": url_for("admin.user_edit", user_id=world.users.speyer.id),
        "admin.municipalities": url_for("admin.municipalities"),
        "admin.municipality_new": url_for("admin.municipality_new"),
        "admin.municipality_edit": url_for(
            "admin.municipality_edit", municipality_id=world.speyer.id
        ),
        "admin.rounds": url_for("admin.rounds"),
        "admin.round_new": url_for("admin.round_new"),
        "admin.round_edit": url_for("admin.round_edit", round_id=world.round.id),
        "admin.programme_new": url_for("admin.programme_new"),
        "admin.programme_edit": url_for("admin.programme_edit", programme_id=world.programme.id),
        "admin.outbox": url_for("admin.outbox"),
        "admin.outbox_message": url_for("admin.outbox_message", message_id=_a_message().id),
        "admin.admin_record": url_for("admin.admin_record"),
        "admin.admin_record_json": url_for("admin.admin_record_json"),
        "admin.admin_record_csv": url_for("admin.admin_record_csv"),
        "admin.second_factor": url_for("admin.second_factor", user_id=world.users.speyer.id),
    }


def test_every_admin_endpoint_is_in_the_access_table(app, world):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods  # POST-only: own tables
    }
    assert endpoints == set(admin_pages(world))


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 200), ("speyer", 403), ("reviewer", 403), ("mentor", 403)]
)
def test_admin_pages_by_role(make_web, world, who, status):
    web = make_web(getattr(world.users, who))
    for endpoint, url in admin_pages(world).items():
        assert web.get(url).status_code == status, endpoint


@pytest.mark.parametrize("who", ["speyer", "reviewer", "mentor"])
def test_other_roles_cannot_post(make_web, world, who):
    web = make_web(getattr(world.users, who))
    response = web.post(url_for("admin.municipality_new"), {"ags": "07111000", "name": "Koblenz"})
    assert response.status_code == 403
    assert count(Municipality) == 3


def test_admin_pages_need_login(client, world):
    response = client.get(url_for("admin.users"))
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


# Users


def user_form(**overrides) -> dict:
    form = {
        "email": "digital@neustadt.de",
        "name": "Nora Neu",
        "role": "reviewer",
        "municipality": "",
        "organisation": "Ministerium des Innern und für Sport",
        "password": "sehr-geheimes-passwort",
    }
    return form | overrides


def test_user_list_shows_role_and_municipality(admin, world):
    html = admin.get(url_for("admin.users")).get_data(as_text=True)
    assert "digital@speyer.de" in html
    assert "Antragstellende Kommune" in html
    assert "<td>Speyer</td>" in html


def test_create_applicant(admin, world, make_web):
    response = admin.fill(
        url_for("admin.user_new"),
        user_form(role="applicant", municipality="07137003", organisation=""),
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).filter_by(email="digital@neustadt.de"))
    assert (user.role, user.municipality.name, user.active) == ("applicant", "Andernach", True)
    make_web(user=None).login(user, "sehr-geheimes-passwort")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": "applicant"}, "municipality", "brauchen eine Kommune"),
        ({"municipality": "07318000"}, "municipality", "Nur antragstellende Konten"),
        ({"email": "digital@speyer.de"}, "email", "Es gibt bereits ein Konto"),
        ({"password": "zu-kurz"}, "password", "mindestens 12 Zeichen"),
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
        ({"name": ""}, "name", "Bitte geben Sie den Namen an"),
    ],
)
def test_create_user_refused_keeps_input(admin, world, overrides, field, message):
    before = count(User)
    response = admin.fill(url_for("admin.user_new"), user_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert 'value="Ministerium des Innern und für Sport"' in html
    assert count(User) == before


def test_create_user_reports_every_problem_in_one_round_trip(admin, world):
    """The form's checks and the account's (taken address, municipality, role) answer together."""
    response = admin.fill(
        url_for("admin.user_new"),
        user_form(email="digital@speyer.de", password="zu-kurz", role="applicant", phone="abc"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Es gibt bereits ein Konto" in html and 'id="email-error"' in html
    assert "mindestens 12 Zeichen" in html and "brauchen eine Kommune" in html
    assert "Telefonnummer aus Ziffern" in html
    response = admin.fill(
        url_for("admin.user_new"),
        user_form(municipality="07318000", phone="abc", can_sign="y", role="mentor"),
    )
    html = response.get_data(as_text=True)
    assert "Nur antragstellende Konten" in html and "Telefonnummer aus Ziffern" in html
    assert "Zeichnungsbefugnis gibt es nur" in html


def test_edit_user_reports_every_problem_in_one_round_trip(admin, world):
    user = world.users.reviewer2
    form = {"name": "Neuer Name", "role": "reviewer", "municipality": "07318000", "active": "y"}
    form |= {"password": "kurz-aber-ok", "phone": "abc"}
    response = admin.post(url_for("admin.user_edit", user_id=user.id), form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nur antragstellende Konten" in html and "Telefonnummer aus Ziffern" in html


def test_edit_user(admin, world, make_web):
    user = world.users.mentor
    response = admin.post(
        url_for("admin.user_edit", user_id=user.id),
        {
            "name": "Mona Mentorin",
            "role": "mentor",
            "municipality": "",
            "organisation": "KL.digital GmbH",
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Mona Mentorin"
    make_web(user=None).login(user, NEW_PASSWORD)


def test_deactivate_user_and_keep_password(admin, world):
    user = world.users.reviewer2
    old_hash = user.password_hash
    form = {"name": user.name, "role": "reviewer", "municipality": "", "organisation": "MdI"}
    assert admin.post(url_for("admin.user_edit", user_id=user.id), form).status_code == 302
    db.session.refresh(user)
    assert (user.active, user.organisation, user.password_hash) == (False, "MdI", old_hash)


def test_edit_user_form_shows_current_values(admin, world):
    html = admin.get(url_for("admin.user_edit", user_id=world.users.speyer.id)).get_data(
        as_text=True
    )
    assert '<option selected value="07318000">' in html


@pytest.mark.parametrize(
    ("who", "changes", "message"),
    [
        ("reviewer", {"municipality": "07318000"}, "Nur antragstellende Konten"),
        ("reviewer", {"password": "kurz"}, "mindestens 12 Zeichen"),
        ("admin", {"role": "reviewer"}, "eigene Rolle"),
        ("admin", {"active": ""}, "eigenes Konto nicht deaktivieren"),
    ],
)
def test_edit_user_refused_changes_nothing(admin, world, who, changes, message):
    user = getattr(world.users, who)
    form = {"name": "Neuer Name", "role": user.role, "municipality": "", "active": "y"}
    form = {k: v for k, v in (form | changes).items() if v != ""}
    response = admin.post(url_for("admin.user_edit", user_id=user.id), form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.name != "Neuer Name"


def test_edit_unknown_user_is_404(admin, world):
    assert admin.get(url_for("admin.user_edit", user_id=9999)).status_code == 404


# Municipalities


def municipality_form(**overrides) -> dict:
    form = {
        "ags": "07111000",
        "name": "Koblenz",
        "kind": "kreisfreie_stadt",
        "is_city": "y",
        "population": "114.052",
        "head_title": "",
        "street": "Willi-Hörter-Platz 1",
        "postal_code": "56068",
        "town": "Koblenz",
    }
    return form | overrides


def test_create_municipality(admin, world):
    response = admin.fill(url_for("admin.municipality_new"), municipality_form())
    assert response.status_code == 302
    koblenz = db.session.scalar(select(Municipality).filter_by(ags="07111000"))
    assert (koblenz.name, koblenz.population, koblenz.is_city) == ("Koblenz", 114052, True)
    assert koblenz.postal_address == "Willi-Hörter-Platz 1\n56068 Koblenz"
    assert koblenz.head_title == "Oberbürgermeister"  # left empty: the GemO's title
    assert "Koblenz" in admin.get(url_for("admin.municipalities")).get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ags": "08111000"}, "ags", "beginnen mit 07"),
        ({"ags": "0711100"}, "ags", "genau 8 Ziffern"),
        ({"ags": "07999000"}, "ags", "kein Kreis"),
        ({"ags": "07318000"}, "ags", "hat bereits Speyer"),
        ({"population": "viele"}, "population", "ganze Zahl"),
        ({"population": "-5"}, "population", "ganze Zahl"),
        ({"kind": "dorf"}, "kind", "Auswahl"),
        ({"name": ""}, "name", "Bitte geben Sie den Namen an"),
        ({"postal_code": "5606"}, "postal_code", "genau 5 Ziffern"),
        ({"postal_code": "56O68"}, "postal_code", "genau 5 Ziffern"),
        ({"street": "x" * 201}, "street", "Höchstens 200 Zeichen"),
    ],
)
def test_create_municipality_refused(admin, world, overrides, field, message):
    response = admin.fill(url_for("admin.municipality_new"), municipality_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', html)
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert "Willi-Hörter-Platz 1" in html or field == "street"  # typed values are kept
    assert "56068" in html or field == "postal_code"
    assert count(Municipality) == 3


def test_edit_municipality(admin, world):
    url = url_for("admin.municipality_edit", municipality_id=world.pirmasens.id)
    response = admin.post(
        url, municipality_form(ags="07317000", name="Pirmasens", population="40584")
    )
    assert response.status_code == 302
    db.session.refresh(world.pirmasens)
    assert (world.pirmasens.population, world.pirmasens.ags) == (40584, "07317000")


def test_edit_municipality_cannot_take_another_key(admin, world):
    url = url_for("admin.municipality_edit", municipality_id=world.pirmasens.id)
    response = admin.post(url, municipality_form(ags="07318000", name="Pirmasens"))
    assert response.status_code == 422
    db.session.refresh(world.pirmasens)
    assert world.pirmasens.ags == "07317000"


# Programmes and rounds


def round_form(world, **overrides) -> dict:
    form = {
        "programme": str(world.programme.id),
        "name": "Zweite Runde 2019",
        "opens_on": "01.09.2019",
        "closes_on": "30.11.2019",
        "budget": "121.500,00",
        "standard_amount": "60.750,00",
        "eligibility": "invited",
        "invited": [str(world.pirmasens.id), str(world.speyer.id)],
    }
    return form | overrides


def test_rounds_page_lists_rounds_with_german_formats(admin, world):
    html = admin.get(url_for("admin.rounds")).get_data(as_text=True)
    assert "Testrunde" in html
    assert "243.000,00" in html
    assert "Andernach, Speyer" in html


def test_create_round_parses_german_input(admin, world):
    response = admin.fill(url_for("admin.round_new"), round_form(world))
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round).filter_by(name="Zweite Runde 2019"))
    assert (round_.opens_on, round_.closes_on) == (date(2019, 9, 1), date(2019, 11, 30))
    assert (round_.budget, round_.standard_amount) == (Decimal("121500.00"), Decimal("60750.00"))
    assert [m.name for m in round_.invited] == ["Pirmasens", "Speyer"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_on": "31.08.2019"}, "closes_on", "nicht vor ihrem Beginn"),
        ({"opens_on": "31.02.2019"}, "opens_on", "gibt es nicht im Kalender"),
        ({"opens_on": "01.09."}, "opens_on", "TT.MM.JJJJ"),
        ({"budget": "-1.000,00"}, "budget", "darf nicht negativ sein"),
        ({"budget": "viel"}, "budget", "zum Beispiel 60.750,00"),
        ({"standard_amount": "0,00"}, "standard_amount", "größer als 0,00"),
        ({"name": "testrunde"}, "name", "gibt es bereits"),
        ({"invited": ["9999"]}, "invited", "Auswahl"),
    ],
)
def test_create_round_refused(admin, world, overrides, field, message):
    response = admin.fill(url_for("admin.round_new"), round_form(world, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert count(Round) == 1


def test_refused_round_keeps_typed_values(admin, world):
    html = admin.fill(
        url_for("admin.round_new"), round_form(world, closes_on="31.08.2019")
    ).get_data(as_text=True)
    for typed in ('value="Zweite Runde 2019"', 'value="31.08.2019"', 'value="121.500,00"'):
        assert typed in html
    assert re.search(
        rf'<input checked id="invited-\d+" name="invited" type="checkbox" value="{world.pirmasens.id}">',
        html,
    )
    assert not re.search(rf'checked[^>]*value="{world.andernach.id}"', html)


def test_edit_round(admin, world):
    url = url_for("admin.round_edit", round_id=world.round.id)
    form = round_form(world, name="Testrunde", eligibility="all_cities", invited=[])
    assert admin.post(url, form).status_code == 302
    db.session.refresh(world.round)
    assert (world.round.eligibility, world.round.invited) == ("all_cities", [])
    assert world.round.budget == Decimal("121500.00")


@pytest.fixture
def promised(world, make_application):
    """Speyer's notice issued (committed), Andernach approved (reserved): 121.500,00 €."""
    issued_notice(make_application, world)
    make_application("approved", world.andernach)


def test_budget_cut_below_what_is_promised_is_refused_at_the_field(admin, world, promised):
    url = url_for("admin.round_edit", round_id=world.round.id)
    form = round_form(world, name="Testrunde 2026", budget="121.499,99", eligibility="all_cities")

    response = admin.post(url, form)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<p class="error-message" id="budget-error">Das Budget muss mindestens 121.500,00\xa0€ '
        "betragen: So viel ist für bewilligte Anträge vorgemerkt oder durch erlassene Bescheide "
        "gebunden (abzüglich Rückforderungen).</p>"
    ) in html
    for typed in ('value="Testrunde 2026"', 'value="121.499,99"', 'value="01.09.2019"'):
        assert typed in html
    assert '<option selected value="all_cities">' in html
    db.session.expire_all()
    assert (world.round.name, world.round.budget) == ("Testrunde", Decimal("243000.00"))
    assert world.round.eligibility == "invited"


def test_budget_cut_down_to_what_is_promised_is_saved(admin, world, promised):
    url = url_for("admin.round_edit", round_id=world.round.id)

    assert (
        admin.post(url, round_form(world, name="Testrunde", budget="121.500,00")).status_code == 302
    )

    db.session.expire_all()
    assert world.round.budget == Decimal("121500.00")
    assert world.round.available == 0


def test_edit_round_form_shows_german_values(admin, world):
    html = admin.get(url_for("admin.round_edit", round_id=world.round.id)).get_data(as_text=True)
    assert 'value="243.000,00"' in html
    assert "<legend" in html


def test_create_and_rename_programme(admin, world):
    response = admin.fill(url_for("admin.programme_new"), {"name": "Smarte Dörfer"})
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).filter_by(name="Smarte Dörfer"))
    url = url_for("admin.programme_edit", programme_id=programme.id)
    assert admin.post(url, {"name": "Smarte Dörfer RLP"}).status_code == 302
    db.session.refresh(programme)
    assert programme.name == "Smarte Dörfer RLP"


def test_duplicate_programme_name_refused(admin, world):
    response = admin.fill(url_for("admin.programme_new"), {"name": world.programme.name})
    assert response.status_code == 422
    assert "gibt es bereits" in response.get_data(as_text=True)
    assert count(Programme) == 1
