"""`engine.reads.attached`: an entity read as columns is the object a query would have loaded.

The API's token check reads the user's columns with Core and attaches the user (issue 14);
everything that follows must not notice the difference.
"""

from sql_support import counted_statements
from sqlalchemy import inspect, select
from test_audit_record import changes

from antrag.accounts.models import User
from antrag.api.tokens import authenticate, create_token
from antrag.engine.reads import attached, columns, table_columns
from antrag.extensions import db


def _row_of(user_id: int):
    return columns(select(*table_columns(User)).where(User.id == user_id)).one()


def test_an_attached_object_is_persistent_loaded_and_unchanged(world):
    user_id, email = world.users.reviewer.id, world.users.reviewer.email
    db.session.expunge_all()
    row = _row_of(user_id)

    with counted_statements() as sent:
        user = attached(User, row)
        values = {c.key: getattr(user, c.key) for c in inspect(User).column_attrs}
    assert sent == []  # every column is loaded, nothing is asked again
    state = inspect(user)
    assert state.persistent and state.key == (User, (user_id,), None)
    assert not db.session.dirty and not state.modified
    assert values["email"] == email and values["id"] == user_id
    assert db.session.get(User, user_id) is user  # in the identity map
    assert db.session.execute(select(User).where(User.id == user_id)).scalar_one() is user


def test_the_sessions_own_copy_wins_as_with_a_query(world):
    reviewer = world.users.reviewer
    reviewer.name = "Noch nicht gespeichert"
    assert attached(User, _row_of(reviewer.id)) is reviewer
    assert reviewer.name == "Noch nicht gespeichert"


def test_relationships_load_when_used_and_changes_are_written_and_recorded(world):
    speyer_user = world.users.speyer
    user_id, municipality = speyer_user.id, speyer_user.municipality_id
    reviewer_id = world.users.reviewer.id
    db.session.expunge_all()
    user = attached(User, _row_of(user_id))

    with counted_statements() as sent:
        assert user.municipality.id == municipality
    assert len(sent) == 1  # the relationship's own lazy load
    user.organisation = "Stadtverwaltung Speyer, Digitales"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).organisation == "Stadtverwaltung Speyer, Digitales"

    reviewer = attached(User, _row_of(reviewer_id))
    before = changes("user", reviewer.id)
    was = reviewer.can_sign
    reviewer.can_sign = not was
    db.session.commit()
    after = changes("user", reviewer.id)
    assert len(after) == len(before) + 1
    field, old, new, _actor = after[-1]
    assert field == "can_sign" and old != new  # the administration record saw the old value


def test_a_token_check_sends_one_statement_and_returns_the_attached_user(world):
    _token, secret = create_token(world.users.reviewer, "Prüfung")
    user_id = world.users.reviewer.id
    db.session.commit()
    authenticate(secret)  # notes the first use (a write of its own)
    db.session.commit()
    db.session.expunge_all()

    with counted_statements() as sent:
        user = authenticate(secret)
    assert len(sent) == 1
    assert user.id == user_id and inspect(user).persistent
    assert authenticate(secret + "x") is None
