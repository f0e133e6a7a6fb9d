"""The engine's own check of comments and declared inputs, whatever door they come through."""

from datetime import date

import pytest

from antrag.engine.core import check_inputs
from antrag.engine.definitions import InputDef, TransitionDef
from antrag.engine.errors import InvalidInput
from antrag.input_text import CONTROL_MESSAGE, UNICODE_MESSAGE

KICK_OFF = TransitionDef(
    trigger="kick_off",
    label="Auftakt",
    sources=("accepted",),
    dest="active",
    roles=("mentor",),
    inputs=(InputDef("kickoff_on", "Auftakttermin", kind="date"),),
)
WITHDRAW = TransitionDef(
    trigger="withdraw",
    label="Zurückziehen",
    sources=("draft",),
    dest="withdrawn",
    roles=("applicant",),
    inputs=(InputDef("reason", "Grund", kind="text", required=False),),
)


def errors_of(transition, comment=None, inputs=None) -> dict:
    with pytest.raises(InvalidInput) as caught:
        check_inputs(transition, comment, inputs)
    return caught.value.errors


@pytest.mark.parametrize("value", ["2027-02-15", " 2027-02-15 ", date(2027, 2, 15)])
def test_a_date_input_takes_iso_dates_and_date_objects(value):
    assert check_inputs(KICK_OFF, None, {"kickoff_on": value})[1] == {
        "kickoff_on": date(2027, 2, 15)
    }


@pytest.mark.parametrize("value", ["20270215", 20270215, "15.02.2027", "2027-02-30", "2027-W07"])
def test_a_date_input_refuses_everything_else(value):
    assert errors_of(KICK_OFF, inputs={"kickoff_on": value}) == {
        "kickoff_on": "Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."
    }


@pytest.mark.parametrize(
    ("text", "message"), [("Kein Bedarf\x00", CONTROL_MESSAGE), ("\ud800", UNICODE_MESSAGE)]
)
def test_comments_and_text_inputs_must_be_storable(text, message):
    assert errors_of(WITHDRAW, comment=text) == {"comment": message}
    assert errors_of(WITHDRAW, inputs={"reason": text}) == {"reason": message}


def test_ordinary_text_with_line_breaks_passes():
    comment, inputs = check_inputs(WITHDRAW, " Kein Bedarf.\nGruß ", {"reason": "Ä ö ü ß €"})
    assert comment == "Kein Bedarf.\nGruß"
    assert inputs == {"reason": "Ä ö ü ß €"}
