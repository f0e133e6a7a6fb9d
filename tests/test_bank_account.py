"""The city's bank account in its master data: IBAN checked with schwifty, BIC derived."""

import pytest
from flask import url_for
from test_admin import municipality_form

from antrag.extensions import db
from antrag.payments.bank import account_of, check_account, derived_bic


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def test_the_admin_enters_the_account_and_the_bic_is_derived(admin, world):
    url = url_for("admin.municipality_edit", municipality_id=world.andernach.id)
    form = municipality_form(
        ags=world.andernach.ags,
        name="Andernach",
        iban="de93 5765 0010 9999 9900 01",
        bic="",
        account_holder="Stadtkasse  Andernach",
    )
    assert admin.fill(url, form).status_code == 302
    db.session.expire_all()
    city = world.andernach
    assert (city.iban, city.bic) == ("DE93576500109999990001", "MALADE51MYN")
    assert city.account_holder == "Stadtkasse Andernach"
    assert account_of(city).iban == "DE93576500109999990001"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"iban": "DE93576500109999990002"}, "iban", "Prüfziffer"),
        ({"iban": "DE9357650010999999000"}, "iban", "Länge"),
        ({"iban": "XX93576500109999990001"}, "iban", "Ländercode"),
        (
            {"iban": "DE93576500109999990001", "account_holder": ""},
            "account_holder",
            "Kontoinhaber",
        ),
        ({"iban": "DE93576500109999990001", "bic": "MALA"}, "bic", "keine gültige BIC"),
        ({"iban": "", "account_holder": "Stadtkasse"}, "iban", "IBAN des Kontos"),
    ],
)
def test_a_wrong_account_gets_a_field_message(admin, world, values, field, message):
    url = url_for("admin.municipality_edit", municipality_id=world.andernach.id)
    form = municipality_form(ags=world.andernach.ags, name="Andernach", account_holder="Stadtkasse")
    response = admin.fill(url, form | values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html


def test_an_account_is_optional_as_a_whole(app):
    values, errors = {"iban": " ", "bic": "", "account_holder": ""}, {}
    check_account(values, errors)
    assert errors == {} and values["iban"] is None


def test_the_bic_is_derived_where_schwifty_knows_the_bank(app):
    assert derived_bic("DE20547500109999990001") == "MALADE51SPY"
    assert derived_bic("kaputt") is None


def test_the_cli_sets_the_account(runner, world):
    result = runner.invoke(
        args=["municipalities", "account", "07318000", "--iban", "DE81542500109999990001",
              "--account-holder", "Stadtkasse Speyer"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert world.speyer.iban == "DE81542500109999990001" and world.speyer.bic == "MALADE51SWP"


def test_the_cli_refuses_a_wrong_iban(runner, world):
    result = runner.invoke(
        args=["municipalities", "account", "07318000", "--iban", "DE00000",
              "--account-holder", "Stadtkasse Speyer"]
    )  # fmt: skip
    assert result.exit_code == 1 and "iban:" in result.output
