"""`flask check-deploy`: a proper production configuration passes, each unsafe setting fails."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from antrag import create_app
from antrag.deploy import find_problems, max_requests, worker_count
from config import ProductionConfig

ROOT = Path(__file__).resolve().parent.parent

STATIC = "/srv/antrag/antrag/static"


def production_config(tmp_path) -> dict:
    """Return what a production deployment runs with: ProductionConfig plus its environment."""
    config = {name: getattr(ProductionConfig, name) for name in dir(ProductionConfig)}
    config = {name: value for name, value in config.items() if name.isupper()}
    seal = tmp_path / "seal"
    seal.mkdir(exist_ok=True)
    (seal / "cert.pem").write_text("certificate")
    (seal / "key.pem").write_text("key")
    anbest_k = tmp_path / "anbest_k.yaml"
    anbest_k.write_text(VERIFIED_ANBEST_K, encoding="utf-8")
    rates = tmp_path / "base_rates.yaml"
    rates.write_text(RATES_UNTIL.format(until="2099-12-31"), encoding="utf-8")
    return config | {
        "RECLAIM_BASE_RATES_FILE": str(rates),
        "NOTICE_SEAL_CERT": str(seal / "cert.pem"),
        "NOTICE_SEAL_KEY": str(seal / "key.pem"),
        "ANBEST_K_PATH": str(anbest_k),
        "SECRET_KEY": "k7Vq0x3N-production-key-from-the-vault-9fZ2",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://antrag@127.0.0.1:1/antrag",
        "PUBLIC_URL": "https://antrag.rlp.de",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "TESTING": False,
        "OPERATOR_EMAIL": "digitale-stadt@mdi.rlp.de",
        "PRIVACY_OFFICER_EMAIL": "datenschutz@mdi.rlp.de",
        "ACCESSIBILITY_CONTACT_EMAIL": "barrierefreiheit@mdi.rlp.de",
        "PAYMENT_DEBTOR_NAME": "Landeshauptkasse Rheinland-Pfalz",
        "PAYMENT_DEBTOR_IBAN": "DE30545500100001234567",
        "SECOND_FACTOR_KEY": "a-separate-key-for-the-totp-secrets-4711",
    }


RATES_UNTIL = """known_until: {until}
rates:
  - {{from: 2020-01-01, rate: "2.00"}}
"""

VERIFIED_ANBEST_K = """
title: Allgemeine Nebenbestimmungen (ANBest-K)
short: ANBest-K
version: Anlage zu VV Nr. 5.1 zu § 44 LHO
date: 2002-12-20
source: MinBl.
verified: true
sections: [{heading: "1. Anforderung", text: "Text."}]
"""


def settings(problems) -> list[str]:
    return [p.setting for p in problems]


@pytest.fixture(autouse=True)
def _no_worker_env(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("WORKERS", raising=False)


def test_production_config_has_no_problems(tmp_path):
    assert find_problems(production_config(tmp_path), environ={}, static_folder=STATIC) == []


UNSAFE = [
    ({"DEBUG": True}, "DEBUG"),
    ({"TESTING": True}, "TESTING"),
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "too-short-key"}, "SECRET_KEY"),
    ({"SECRET_KEY": "test-secret-key-not-for-production"}, "SECRET_KEY"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE"),
    ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY"),
    ({"REMEMBER_COOKIE_HTTPONLY": False}, "REMEMBER_COOKIE_HTTPONLY"),
    ({"SESSION_COOKIE_SAMESITE": None}, "SESSION_COOKIE_SAMESITE"),
    ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE"),
    ({"REMEMBER_COOKIE_SAMESITE": None}, "REMEMBER_COOKIE_SAMESITE"),
    ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED"),
    ({"WTF_CSRF_CHECK_DEFAULT": False}, "WTF_CSRF_CHECK_DEFAULT"),
    ({"MAIL_BACKEND": "file"}, "MAIL_BACKEND"),
    ({"MAIL_TIMEOUT": None}, "MAIL_TIMEOUT"),
    ({"MAIL_TIMEOUT": 0}, "MAIL_TIMEOUT"),
    ({"MAIL_TIMEOUT": 3600}, "MAIL_TIMEOUT"),
    ({"PUBLIC_URL": "http://antrag.rlp.de"}, "PUBLIC_URL"),
    ({"LOAD_DEMO_DATA": True}, "LOAD_DEMO_DATA"),
    ({"MAX_CONTENT_LENGTH": None}, "MAX_CONTENT_LENGTH"),
    ({"UPLOAD_FOLDER": STATIC + "/uploads"}, "UPLOAD_FOLDER"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/antrag/antrag.db"}, "SQLALCHEMY_DATABASE_URI"),
    ({"OPERATOR_EMAIL": "digitale-stadt@mdi.example"}, "OPERATOR_EMAIL"),
    ({"PRIVACY_OFFICER_EMAIL": ""}, "PRIVACY_OFFICER_EMAIL"),
    ({"ACCESSIBILITY_CONTACT_EMAIL": "a11y@localhost"}, "ACCESSIBILITY_CONTACT_EMAIL"),
    ({"NOTICE_SEAL_CERT": None}, "NOTICE_SEAL_CERT"),
    ({"NOTICE_SEAL_KEY": "/nowhere/seal-key.pem"}, "NOTICE_SEAL_KEY"),
    ({"NOTICE_SEAL_DEVELOPMENT": True}, "NOTICE_SEAL_DEVELOPMENT"),
    ({"ANBEST_K_PATH": "/nowhere/anbest_k.yaml"}, "ANBEST_K_PATH"),
    # The treasury account the pain.001 files draw on: set, valid, not the demo account.
    ({"PAYMENT_DEBTOR_IBAN": None}, "PAYMENT_DEBTOR_IBAN"),
    ({"PAYMENT_DEBTOR_IBAN": "DE11550000000000001017"}, "PAYMENT_DEBTOR_IBAN"),
    ({"PAYMENT_DEBTOR_IBAN": "DE00545500100001234567"}, "PAYMENT_DEBTOR_IBAN"),
    ({"PAYMENT_DEBTOR_NAME": ""}, "PAYMENT_DEBTOR_NAME"),
    ({"PAYMENT_DEBTOR_BIC": "XX"}, "PAYMENT_DEBTOR_BIC"),
    # Single sign-on: complete, over https, and no role locked out of every login.
    ({"OIDC_ISSUER": "https://sso.rlp.example/realms/mdi"}, "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"),
    ({"PASSWORD_LOGIN_ROLES": ("applicant",)}, "PASSWORD_LOGIN_ROLES"),
    (
        {"OIDC_ISSUER": "http://sso.rlp.example", "OIDC_CLIENT_ID": "antrag"}
        | {"OIDC_CLIENT_SECRET": "from-the-vault"},
        "OIDC_ISSUER",
    ),
]


@pytest.mark.parametrize(("change", "setting"), UNSAFE, ids=[s for _, s in UNSAFE])
def test_each_unsafe_setting_is_an_error(tmp_path, change, setting):
    problems = find_problems(production_config(tmp_path) | change, environ={}, static_folder=STATIC)
    assert settings(problems) == [setting]
    assert problems[0].level == "error"


def test_missing_setting_counts_as_unsafe(tmp_path):
    config = production_config(tmp_path)
    del config["MAX_CONTENT_LENGTH"], config["MAIL_TIMEOUT"]
    problems = find_problems(config, environ={}, static_folder=STATIC)
    assert settings(problems) == ["MAIL_TIMEOUT", "MAX_CONTENT_LENGTH"]


def test_development_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("a-generated-development-key-of-sufficient-length\n")
    config = production_config(tmp_path) | {
        "SECRET_KEY": "a-generated-development-key-of-sufficient-length"
    }
    problems = find_problems(config, environ={}, instance_path=str(tmp_path))
    assert settings(problems) == ["SECRET_KEY"]
    assert "development key" in problems[0].message


def test_flask_debug_in_the_environment_is_debug(tmp_path):
    problems = find_problems(production_config(tmp_path), environ={"FLASK_DEBUG": "1"})
    assert settings(problems) == ["DEBUG"]
    assert find_problems(production_config(tmp_path), environ={"FLASK_DEBUG": "0"}) == []


def test_sqlite_is_an_error_with_several_workers_and_a_warning_with_one(tmp_path):
    config = production_config(tmp_path) | {"SQLALCHEMY_DATABASE_URI": "sqlite:////x/antrag.db"}
    for environ, level in (
        ({}, "error"),  # the default of `make serve`: 4 workers
        ({"WEB_CONCURRENCY": "3"}, "error"),
        ({"WORKERS": "2"}, "error"),
        ({"WORKERS": "1"}, "warning"),
    ):
        problems = find_problems(config, environ=environ)
        assert [(p.setting, p.level) for p in problems] == [("SQLALCHEMY_DATABASE_URI", level)]


def test_worker_count():
    assert worker_count({}) == 4
    assert worker_count({"WEB_CONCURRENCY": "2", "WORKERS": "8"}) == 2
    assert worker_count({"WORKERS": "8"}) == 8
    with pytest.raises(ValueError, match="WORKERS"):
        worker_count({"WORKERS": "many"})


def test_all_problems_are_listed_together(tmp_path):
    config = production_config(tmp_path) | {"DEBUG": True, "PUBLIC_URL": "http://x"}
    assert settings(find_problems(config, environ={})) == ["DEBUG", "PUBLIC_URL"]


def _cli_app(tmp_path, **changes):
    app = create_app(production_config(tmp_path) | changes)
    app.instance_path = str(tmp_path / "instance")  # no development key file here
    return app


def test_cli_passes_a_production_config(tmp_path):
    result = _cli_app(tmp_path).test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output
    assert "ok: no unsafe settings" in result.output


def test_cli_lists_every_unsafe_setting_and_exits_1(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = _cli_app(tmp_path, WTF_CSRF_ENABLED=False, MAIL_BACKEND="file")
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1
    for setting in ("DEBUG", "WTF_CSRF_ENABLED", "MAIL_BACKEND"):
        assert f"ERROR: {setting}:" in result.output
    assert "3 error(s), 0 warning(s)" in result.output


def test_cli_warning_fails_only_when_strict(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKERS", "1")
    app = _cli_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'antrag.db'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output
    assert "WARNING: SQLALCHEMY_DATABASE_URI:" in result.output
    assert runner.invoke(args=["check-deploy", "--strict"]).exit_code == 1


def test_cli_flags_the_upload_folder_in_static(tmp_path):
    app = _cli_app(tmp_path)
    app.config["UPLOAD_FOLDER"] = str(app.static_folder) + "/uploads"
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "ERROR: UPLOAD_FOLDER:" in result.output


def test_unverified_conditions_are_a_warning(tmp_path):
    config = production_config(tmp_path) | {"ANBEST_K_PATH": None}  # the shipped, unverified text
    problems = find_problems(config, environ={}, static_folder=STATIC)
    assert [(p.setting, p.level) for p in problems] == [("ANBEST_K_PATH", "warning")]


def test_second_factor_settings_worth_a_decision_are_warnings(tmp_path):
    config = production_config(tmp_path) | {
        "SECOND_FACTOR_KEY": None,
        "SECOND_FACTOR_ROLES": ("reviewer",),
    }
    problems = find_problems(config, environ={}, static_folder=STATIC)
    assert [(p.setting, p.level) for p in problems] == [
        ("SECOND_FACTOR_KEY", "warning"),
        ("SECOND_FACTOR_ROLES", "warning"),
    ]


def test_base_rates_ending_before_today_are_a_warning(tmp_path):
    from antrag.clock import frozen_at

    rates = tmp_path / "old_rates.yaml"
    rates.write_text(RATES_UNTIL.format(until="2026-06-30"), encoding="utf-8")
    config = production_config(tmp_path) | {"RECLAIM_BASE_RATES_FILE": str(rates)}
    with frozen_at(datetime(2026, 6, 30, 12, tzinfo=UTC)):
        assert find_problems(config, environ={}, static_folder=STATIC) == []
    with frozen_at(datetime(2026, 12, 5, 12, tzinfo=UTC)):
        [problem] = find_problems(config, environ={}, static_folder=STATIC)
    assert problem.setting == "RECLAIM_BASE_RATES_FILE" and problem.level == "warning"
    assert "known until 2026-06-30" in problem.message


def test_an_unknown_receipt_order_is_an_error(tmp_path):
    config = production_config(tmp_path) | {"RECLAIM_RECEIPT_ORDER": "principal-first"}
    problems = find_problems(config, environ={}, static_folder=STATIC)
    assert [(p.setting, p.level) for p in problems] == [("RECLAIM_RECEIPT_ORDER", "error")]


def test_max_requests():
    assert max_requests({}) == 20_000
    assert max_requests({"MAX_REQUESTS": " 5000 "}) == 5000
    assert max_requests({"MAX_REQUESTS": "0"}) == 0  # never recycle
    with pytest.raises(ValueError, match="whole number"):
        max_requests({"MAX_REQUESTS": "viele"})
    with pytest.raises(ValueError, match="0 \\(never\\) or more"):
        max_requests({"MAX_REQUESTS": "-1"})


def test_a_worker_freezes_its_start_up_objects_for_the_garbage_collector():
    """gunicorn.conf.py's post_worker_init (run by a worker once its app is built) freezes."""
    script = (
        "import gc, runpy; conf = runpy.run_path('gunicorn.conf.py');"
        "before = gc.get_freeze_count(); conf['post_worker_init'](None);"
        "print(before, gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) == 0
    assert int(out[1]) > 10_000  # Flask, SQLAlchemy and Antrag's modules at least
