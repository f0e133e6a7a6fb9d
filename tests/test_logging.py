"""Log lines leave the process: under a real gunicorn and from the `flask` commands.

Python drops INFO records of a logger nobody configured, so without Antrag's own logging
configuration the security log would be empty in production.
"""

import os
import subprocess
import sys
import time

import requests
from api_support import token_for
from conftest import PASSWORD
from gunicorn_support import ROOT, SECRET_KEY, Browser, serve

from antrag.accounts.invitations import invite_applicant
from antrag.extensions import db
from antrag.logs import redact_path

WRONG_PASSWORD = "falsch-geraten-0815"


def test_security_events_reach_gunicorns_output_without_secrets(
    database_uri, tmp_path, world, make_application
):
    other_city = make_application("submitted", municipality=world.andernach)
    api_token = token_for(world.users.speyer)
    _user, invitation = invite_applicant(
        email="neu@pirmasens.de", name="Neu", municipality=world.pirmasens, actor=world.users.admin
    )
    db.session.commit()
    with serve(database_uri, tmp_path / "gunicorn", workers=1, threads=1, shipped=True) as server:
        browser = Browser(server.url)
        browser.get("/anmelden")
        failed = browser.post(
            "/anmelden", {"email": "digital@speyer.de", "password": WRONG_PASSWORD}
        )
        assert failed.status_code == 200
        browser.login("digital@speyer.de")
        cookie = browser.http.cookies["session"]
        assert browser.get(f"/antraege/{other_city.id}").status_code == 404
        api = requests.get(
            f"{server.url}/api/v1/applications/{other_city.id}",
            headers={"Authorization": f"Bearer {api_token}"},
            timeout=10,
        )
        assert api.status_code == 404
        assert browser.get(f"/konto/einladung/{invitation}").status_code == 200
        log = _log_once_written(server, "/konto/einladung/")

    assert "action=login outcome=failure" in log and "reason=wrong_password" in log
    assert "action=login outcome=success" in log
    refused = [line for line in log.splitlines() if "action=access_refused" in line]
    assert len(refused) == 2 and all(f"Application:{other_city.id}" in x for x in refused)
    assert "antrag.security" in refused[0] and "ip=127.0.0.1" in refused[0]
    for secret in (PASSWORD, WRONG_PASSWORD, cookie, api_token, invitation, SECRET_KEY):
        assert secret not in log
    assert "/konto/einladung/[entfernt]" in log  # gunicorn's access log line, redacted


def _log_once_written(server, text: str, timeout: float = 5) -> str:
    """Return the server's output once `text` is in it (gunicorn logs after it answered)."""
    deadline = time.monotonic() + timeout
    while text not in (log := server.log_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return log


def test_flask_commands_log_to_the_configured_file(database_uri, tmp_path, world):
    log_file = tmp_path / "antrag.log"
    env = {k: v for k, v in os.environ.items() if k not in ("ANTRAG_ENV", "FLASK_DEBUG")}
    env |= {
        "DATABASE_URL": database_uri,
        "SECRET_KEY": SECRET_KEY,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "LOG_FILE": str(log_file),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "network", "purge"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "antrag.network.retention" in log_file.read_text()
    assert "Purged" not in result.stderr  # the file replaces standard error


def test_paths_lose_their_secret_segments():
    assert redact_path("/konto/einladung/" + "A1b_-" * 9) == "/konto/einladung/[entfernt]"
    assert redact_path("/antraege/12/anhaenge/3") == "/antraege/12/anhaenge/3"
    assert redact_path("/a/" + "x" * 43 + "?q=1") == "/a/[entfernt]?q=1"
