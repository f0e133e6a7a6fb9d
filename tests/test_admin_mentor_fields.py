"""The admin user form: signing authority for reviewers, capacity and topics for mentors."""

import pytest
from flask import url_for
from sqlalchemy import select

from antrag.accounts.models import User
from antrag.accounts.operations import update_user
from antrag.extensions import db


@pytest.fixture
def admin(make_web, world):
    return make_web(world.users.admin)


def edit_form(user, **overrides):
    form = {
        "name": user.name,
        "role": user.role,
        "municipality": "",
        "organisation": user.organisation or "",
        "active": "y",
        "mentor_capacity": "0",
    }
    return form | overrides


def test_mentor_gets_capacity_and_topics(admin, world):
    mentor = world.users.mentor
    form = edit_form(mentor, mentor_capacity="3", mentor_topics=["bildung", "verwaltung"])
    response = admin.post(url_for("admin.user_edit", user_id=mentor.id), form)
    assert response.status_code == 302
    db.session.refresh(mentor)
    assert (mentor.mentor_capacity, mentor.mentor_topics) == (3, "verwaltung,bildung")
    page = admin.get(url_for("admin.user_edit", user_id=mentor.id)).get_data(as_text=True)
    assert 'value="bildung" checked' in page
    assert 'value="3"' in page


def test_reviewer_gets_signing_authority(admin, world):
    reviewer = world.users.reviewer
    form = edit_form(reviewer, can_sign="y")
    assert admin.post(url_for("admin.user_edit", user_id=reviewer.id), form).status_code == 302
    db.session.refresh(reviewer)
    assert reviewer.can_sign is True


def test_new_mentor_is_created_with_capacity(admin, world):
    form = {
        "email": "neu@kl.digital",
        "name": "Neue Mentorin",
        "role": "mentor",
        "municipality": "",
        "organisation": "KL.digital GmbH",
        "password": "sehr-geheimes-passwort",
        "mentor_capacity": "2",
        "mentor_topics": ["mobilitaet"],
    }
    assert admin.fill(url_for("admin.user_new"), form).status_code == 302
    user = db.session.scalar(select(User).filter_by(email="neu@kl.digital"))
    assert (user.mentor_capacity, user.mentor_topics) == (2, "mobilitaet")


@pytest.mark.parametrize(
    ("who", "overrides", "field", "message"),
    [
        ("mentor", {"can_sign": "y"}, "can_sign", "nur für Konten des Ministeriums"),
        ("mentor", {"mentor_capacity": "drei"}, "mentor_capacity", "ganze Zahl ab 0"),
        ("mentor", {"mentor_capacity": "99"}, "mentor_capacity", "von 0 bis 50"),
        ("mentor", {"mentor_topics": ["raumfahrt"]}, "mentor_topics", "Unbekanntes Handlungsfeld"),
        ("reviewer", {"mentor_capacity": "2"}, "mentor_capacity", "nur für Konten des Mentorings"),
        ("reviewer", {"mentor_topics": ["bildung"]}, "mentor_topics", "nur für Konten des"),
    ],
)
def test_fields_refused_with_a_field_message(admin, world, who, overrides, field, message):
    user = getattr(world.users, who)
    response = admin.post(url_for("admin.user_edit", user_id=user.id), edit_form(user, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    db.session.refresh(user)
    assert (user.can_sign, user.mentor_capacity, user.mentor_topics) == (False, 0, "")


def test_role_change_drops_what_the_new_role_cannot_have(world):
    mentor = world.users.mentor
    mentor.mentor_capacity, mentor.mentor_topics = 2, "bildung"
    update_user(mentor, name=mentor.name, role="reviewer", organisation="MdI")
    assert (mentor.mentor_capacity, mentor.mentor_topics, mentor.can_sign) == (0, "", False)
