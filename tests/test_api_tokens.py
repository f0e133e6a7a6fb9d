"""Personal API tokens: the page, the CLI, and the token's life through the API."""

import re

import pytest
from sqlalchemy import select, text

from antrag.api.models import ApiToken
from antrag.api.tokens import authenticate, create_token, hash_token
from antrag.extensions import db

PAGE = "/konto/api-tokens"
SECRET_RE = re.compile(r'<code id="new-token">([^<]+)</code>')


def create_via_page(web, name="Haushaltssystem"):
    """Create a token through the page; return the response and the secret shown on it."""
    web.get(PAGE)
    response = web.post(PAGE, {"name": name})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, SECRET_RE.search(response.get_data(as_text=True)).group(1)


def token_for(user, name="Skript"):
    token, secret = create_token(user, name)
    db.session.commit()
    return token, secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def stored_tokens():
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


# The page


def test_created_secret_is_shown_once_and_stored_only_as_its_hash(web, world):
    web.login(world.users.speyer)
    response, secret = create_via_page(web)

    body = response.get_data(as_text=True)
    assert body.count(secret) == 1
    assert "nur dieses eine Mal angezeigt" in body
    assert "Authorization: Bearer" in body
    assert 'href="/api/v1/docs"' in body
    assert response.headers["Cache-Control"] == "no-store"
    (token,) = stored_tokens()
    assert (token.user_id, token.name, token.token_hash) == (
        world.users.speyer.id,
        "Haushaltssystem",
        hash_token(secret),
    )
    row = db.session.execute(text("SELECT * FROM api_token")).one()
    assert all(secret not in str(value) for value in row)
    with web.client.session_transaction() as session:
        assert secret not in repr(dict(session))
    assert secret not in web.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("role", ["speyer", "reviewer", "mentor", "admin"])
def test_every_role_can_create_a_token(web, world, role):
    user = getattr(world.users, role)
    web.login(user)
    _, secret = create_via_page(web)
    assert authenticate(secret).id == user.id


def test_page_lists_own_tokens_only(web, world):
    used, _ = token_for(world.users.speyer, "Fachverfahren")
    revoked, _ = token_for(world.users.speyer, "Altes Skript")
    token_for(world.users.andernach, "Fremder Token")
    revoked.revoked_at = used.last_used_at = used.created_at
    db.session.commit()
    web.login(world.users.speyer)

    body = web.get(PAGE).get_data(as_text=True)

    assert "Fachverfahren" in body and "Altes Skript" in body
    assert "Fremder Token" not in body
    assert f"{used.prefix}…" in body
    assert "widerrufen am" in body
    assert f"/konto/api-tokens/{used.id}/widerrufen" in body
    assert f"/konto/api-tokens/{revoked.id}/widerrufen" not in body


def test_unused_token_is_listed_as_never_used(web, world):
    token_for(world.users.speyer)
    web.login(world.users.speyer)
    assert "noch nie" in web.get(PAGE).get_data(as_text=True)


def test_nav_links_to_the_token_page(web, world):
    web.login(world.users.mentor)
    body = web.get("/mentoring").get_data(as_text=True)
    assert f'href="{PAGE}">API-Zugänge</a>' in body


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Bitte geben Sie dem Token einen Namen."),
        ("   ", "Bitte geben Sie dem Token einen Namen."),
        ("x" * 101, "Der Name darf höchstens 100 Zeichen haben."),
    ],
    ids=["empty", "blank", "too_long"],
)
def test_invalid_name_is_refused_with_a_message(web, world, name, message):
    web.login(world.users.speyer)
    web.get(PAGE)
    response = web.post(PAGE, {"name": name})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'<p class="error-message" id="name-error">{message}</p>' in body
    assert stored_tokens() == []


def test_name_of_exactly_the_maximum_length_is_accepted(web, world):
    web.login(world.users.speyer)
    create_via_page(web, "x" * 100)
    assert len(stored_tokens()) == 1


def test_revoke_via_page(web, world):
    token, secret = token_for(world.users.speyer)
    web.login(world.users.speyer)
    web.get(PAGE)

    response = web.post(f"{PAGE}/{token.id}/widerrufen", follow_redirects=True)

    assert response.status_code == 200
    assert "wurde widerrufen" in response.get_data(as_text=True)
    (stored,) = stored_tokens()
    assert stored.revoked_at is not None
    assert authenticate(secret) is None


@pytest.mark.parametrize("owner", ["andernach", "reviewer"])
def test_revoking_someone_elses_token_is_not_found(web, world, owner):
    token, secret = token_for(getattr(world.users, owner))
    web.login(world.users.speyer)
    web.get(PAGE)

    assert web.post(f"{PAGE}/{token.id}/widerrufen").status_code == 404
    assert web.post(f"{PAGE}/999999/widerrufen").status_code == 404
    assert stored_tokens()[0].active
    assert authenticate(secret) is not None


def test_create_without_csrf_token_is_refused(web, world):
    web.login(world.users.speyer)
    assert web.post(PAGE, {"name": "Skript"}, csrf=False).status_code == 400
    assert stored_tokens() == []


def test_revoke_without_csrf_token_is_refused(web, world):
    token, _ = token_for(world.users.speyer)
    web.login(world.users.speyer)
    assert web.post(f"{PAGE}/{token.id}/widerrufen", csrf=False).status_code == 400
    assert stored_tokens()[0].active


def test_anonymous_cannot_create_or_revoke(web, world):
    token, _ = token_for(world.users.speyer)
    web.get("/anmelden")
    for url in (PAGE, f"{PAGE}/{token.id}/widerrufen"):
        response = web.post(url, {"name": "Skript"})
        assert response.status_code == 302
        assert "/anmelden" in response.headers["Location"]
    assert len(stored_tokens()) == 1 and stored_tokens()[0].active


def test_authenticate_notes_when_the_token_was_last_used(world):
    token, secret = token_for(world.users.speyer)
    assert token.last_used_at is None

    assert authenticate(secret).id == world.users.speyer.id
    db.session.commit()

    assert stored_tokens()[0].last_used_at is not None


# The command line


def test_cli_token_prints_only_the_secret(runner, world):
    result = runner.invoke(args=["users", "token", "Digital@Speyer.de", "--name", "Cron"])

    assert result.exit_code == 0, result.output
    secret = result.stdout.removesuffix("\n")
    assert result.stdout == secret + "\n"
    assert "\n" not in secret and secret.startswith("antrag_")
    (token,) = stored_tokens()
    assert (token.user_id, token.name, token.token_hash) == (
        world.users.speyer.id,
        "Cron",
        hash_token(secret),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["niemand@speyer.de", "--name", "Cron"], "no account for niemand@speyer.de"),
        (["digital@speyer.de", "--name", "  "], "Bitte geben Sie dem Token einen Namen."),
        (["digital@speyer.de", "--name", "x" * 101], "höchstens 100 Zeichen"),
    ],
    ids=["unknown_email", "blank_name", "long_name"],
)
def test_cli_token_refused(runner, world, args, message):
    result = runner.invoke(args=["users", "token", *args])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert stored_tokens() == []


def test_cli_token_refused_for_a_deactivated_account(runner, world):
    world.users.speyer.active = False
    db.session.commit()
    result = runner.invoke(args=["users", "token", "digital@speyer.de", "--name", "Cron"])
    assert result.exit_code == 1
    assert "deaktiviertes Konto" in result.stderr
    assert stored_tokens() == []


def test_cli_lists_tokens(runner, world):
    active, _ = token_for(world.users.speyer, "Cron")
    revoked, _ = token_for(world.users.speyer, "Alt")
    token_for(world.users.andernach, "Fremd")
    revoked.revoked_at = revoked.created_at
    db.session.commit()

    result = runner.invoke(args=["users", "tokens", "digital@speyer.de"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:3] == [str(active.id), "Cron", f"{active.prefix}…"]
    assert "last used -" in lines[0] and lines[0].endswith("revoked -")
    assert lines[1].split()[:3] == [str(revoked.id), "Alt", f"{revoked.prefix}…"]
    assert not lines[1].endswith("revoked -")


def test_cli_revokes_a_token(runner, world):
    token, secret = token_for(world.users.speyer)

    result = runner.invoke(args=["users", "revoke-token", "digital@speyer.de", str(token.id)])

    assert result.exit_code == 0, result.output
    assert stored_tokens()[0].revoked_at is not None
    assert authenticate(secret) is None


def test_cli_does_not_revoke_someone_elses_token(runner, world):
    token, secret = token_for(world.users.andernach)

    result = runner.invoke(args=["users", "revoke-token", "digital@speyer.de", str(token.id)])

    assert result.exit_code == 1
    assert "has no token" in result.stderr
    assert stored_tokens()[0].active


# Through the API


def test_lifecycle_through_the_api(web, client, world):
    web.login(world.users.speyer)
    _, secret = create_via_page(web)

    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["email"] == "digital@speyer.de"
    (token,) = stored_tokens()
    assert token.last_used_at is not None

    web.get(PAGE)
    assert web.post(f"{PAGE}/{token.id}/widerrufen").status_code == 302
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_token_of_a_deactivated_account_is_refused(client, world):
    _, secret = token_for(world.users.speyer)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    world.users.speyer.active = False
    db.session.commit()

    response = client.get("/api/v1/me", headers=bearer(secret))

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer antrag_unbekannt",
        "Bearer " + "antrag_" + "x" * 300,
        "Bearer kein-token",
        "Bearer ",
        "Basic ZGlnaXRhbEBzcGV5ZXIuZGU6cGFzc3dvcnQ=",
        "antrag_ohne_schema",
    ],
    ids=["unknown", "too_long", "foreign_prefix", "empty", "basic", "no_scheme"],
)
def test_malformed_or_unknown_token_is_refused(client, world, authorization):
    token_for(world.users.speyer)
    response = client.get("/api/v1/me", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_session_cookie_alone_does_not_open_the_api(web, world):
    web.login(world.users.speyer)
    response = web.client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
