"""A count with a noun reads "1 Eintrag", never "1 Einträge": ngettext, in German and English."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from second_factor_support import enrol_totp, login_with_code
from sqlalchemy import select

from antrag.accounts.factor_models import RecoveryCode
from antrag.audit import record
from antrag.db_types import utcnow
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from antrag.reporting import casefile_data

# Wording only: the SQLite run covers it.
pytestmark = pytest.mark.database_agnostic


def english(web):
    """Switch `web` to English with the header's form."""
    assert web.post("/sprache", {"lang": "en", "next": "/"}).status_code == 302
    return web


@pytest.mark.parametrize(
    ("checked", "german", "english_text"),
    [
        (1, "Kette geprüft: 1 Eintrag unverändert.", "Chain verified: 1 entry unchanged."),
        (2, "Kette geprüft: 2 Einträge unverändert.", "Chain verified: 2 entries unchanged."),
    ],
)
def test_the_admin_record_counts_its_verified_entries(
    make_web, world, monkeypatch, checked, german, english_text
):
    monkeypatch.setattr(record, "verify", lambda: (checked, None))
    web = make_web(world.users.admin)
    assert german in web.get("/verwaltung/protokoll").get_data(as_text=True)
    assert english_text in english(web).get("/verwaltung/protokoll").get_data(as_text=True)


def test_the_admin_record_counts_the_entries_before_a_break(make_web, world, monkeypatch):
    broken = SimpleNamespace(seq=2, reason="Inhalt stimmt nicht")
    monkeypatch.setattr(record, "verify", lambda: (1, broken))
    page = make_web(world.users.admin).get("/verwaltung/protokoll").get_data(as_text=True)
    assert "1 Eintrag davor ist unverändert." in page


def test_the_case_file_summary_counts_one_checked_entry(
    make_web, world, make_application, monkeypatch
):
    history_data = casefile_data.history_data

    def with_one_entry(cases):
        history = history_data(cases)
        history["chain"]["entries_checked"] = 1
        return history

    monkeypatch.setattr(casefile_data, "history_data", with_one_entry)
    application = make_application("submitted")
    response = make_web(world.users.reviewer).get(f"/auswertung/akten/{application.id}")
    summary = zipfile.ZipFile(io.BytesIO(response.get_data())).read("akte.html").decode()
    assert "(1 Eintrag geprüft)" in summary


def test_the_outbox_page_names_one_newest_message(make_web, world):
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.add(
        OutboxMessage(
            template="test",
            recipient="stadt@speyer.de",
            recipient_name="Stadt Speyer",
            subject="Testnachricht",
            body="Guten Tag.",
        )
    )
    db.session.commit()
    page = make_web(world.users.admin).get("/verwaltung/postausgang").get_data(as_text=True)
    assert "Die neueste Nachricht</caption>" in page


def _leave_unused(user, count: int) -> list[str]:
    """Enrol the app for `user` and use all recovery codes but `count`; return those left."""
    codes = enrol_totp(user)
    rows = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id).order_by(RecoveryCode.id)
    ).all()
    for row in rows[count:]:
        row.used_at = utcnow()
    db.session.commit()
    return codes[:count]  # generated and stored in the same order


def test_the_settings_count_one_unused_recovery_code(make_web, world):
    _leave_unused(world.users.speyer, 1)
    web = make_web()
    login_with_code(web, world.users.speyer)
    assert "Noch 1 unbenutzter Code." in web.get("/konto/zweiter-faktor").get_data(as_text=True)
    page = english(web).get("/konto/zweiter-faktor").get_data(as_text=True)
    assert "1 unused code left." in page


def test_the_last_but_one_recovery_code_leaves_one_code(make_web, world):
    """At a step-up (a login starts a fresh session, which does not keep the flash)."""
    user = world.users.speyer
    first, _ = _leave_unused(user, 2)
    web = make_web()
    login_with_code(web, user)
    web.get("/anmelden/zweiter-faktor/wiederherstellungscode")
    answer = web.post("/anmelden/zweiter-faktor/wiederherstellungscode", {"code": first})
    assert answer.status_code == 302
    page = web.get(answer.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Sie haben noch 1 Code; erzeugen Sie neue, bevor er ausgeht." in page
