"""Issue 15's newcomer items about mail: links follow the dev server's port, `make run`
delivers mail and runs the timer without a second terminal, the admin reads each message,
and pages say "versandt" only of mail that went out."""

import threading

import pytest

from antrag import devworker
from antrag.extensions import db
from antrag.mail.models import OutboxMessage
from config import DevelopmentConfig

# The subject (the development server's mail folder and ports) does not depend on the
# database: SQLite only.
pytestmark = pytest.mark.database_agnostic


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"PORT": "5055"}, "http://127.0.0.1:5055"),
        ({}, None),  # the class default (port 5000)
        ({"PORT": "5055", "PUBLIC_URL": "https://antrag.example"}, "https://antrag.example"),
        ({"PORT": "not-a-port"}, None),
    ],
)
def test_public_url_follows_the_port_in_development(monkeypatch, environ, expected):
    for name in ("PORT", "PUBLIC_URL", "DEV_WORKER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert DevelopmentConfig.from_environment().get("PUBLIC_URL") == expected
    assert DevelopmentConfig.PUBLIC_URL == "http://127.0.0.1:5000"


def test_make_run_asks_for_the_worker_and_passes_the_port():
    from config import BASE_DIR

    run = (BASE_DIR / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "PORT=$(PORT) DEV_WORKER=1 $(FLASK) run" in run


def test_the_worker_starts_only_under_the_dev_server():
    assert devworker.served_by_dev_server({"SERVER_SOFTWARE": "Werkzeug/3.1.3"})
    assert not devworker.served_by_dev_server({"SERVER_SOFTWARE": "gunicorn/23.0.0"})
    assert not devworker.served_by_dev_server({})


def test_the_worker_is_off_unless_asked_and_never_in_tests(app):
    assert not any(
        getattr(f, "__name__", "") == "_start_dev_worker"
        for f in app.before_request_funcs.get(None, [])
    )


def test_the_worker_starts_once_per_process(app, monkeypatch):
    started = []
    monkeypatch.setattr(devworker, "_started", threading.Lock())
    monkeypatch.setattr(devworker, "_loop", lambda *args: started.append(args))
    first = devworker.start(app)
    second = devworker.start(app)
    first.join(timeout=5)
    assert first is not None and second is None and len(started) == 1


def test_one_round_delivers_the_queued_mail_to_the_mail_folder(app, world, tmp_path):
    app.config["MAIL_BACKEND"] = "file"
    app.config["MAIL_FILE_FOLDER"] = str(tmp_path / "mail")
    message = OutboxMessage(
        template="test",
        recipient="digital@speyer.de",
        recipient_name="Speyer",
        subject="Hallo",
        body="Text der Nachricht.",
    )
    db.session.add(message)
    db.session.commit()
    moved, sent = devworker.run_once(app)
    assert sent == 1 and len(list((tmp_path / "mail").iterdir())) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_the_admin_reads_each_message_and_sees_whether_it_went_out(make_web, world):
    message = OutboxMessage(
        template="test",
        recipient="digital@speyer.de",
        recipient_name="Speyer",
        subject="Ihr Antrag ist eingegangen",
        body="Guten Tag,\nIhr Antrag ist eingegangen.",
    )
    db.session.add(message)
    db.session.commit()
    web = make_web(world.users.admin)
    listing = web.get("/verwaltung/postausgang").get_data(as_text=True)
    assert f"/verwaltung/postausgang/{message.id}" in listing
    page = web.get(f"/verwaltung/postausgang/{message.id}").get_data(as_text=True)
    assert "Ihr Antrag ist eingegangen." in page and "Wartet auf den Versand" in page
    assert "Versendet am" not in page
    assert web.get("/verwaltung/postausgang/999999").status_code == 404


def test_the_meeting_confirmation_does_not_claim_the_mail_was_sent():
    from config import BASE_DIR

    text = (BASE_DIR / "templates/meetings/confirmation.html").read_text()
    assert "gesendet" not in text and "versandt" not in text
