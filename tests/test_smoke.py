"""The app starts on the migrated schema and the login page answers."""


def test_login_page_renders(client):
    response = client.get("/anmelden")
    assert response.status_code == 200
    assert "Anmelden" in response.get_data(as_text=True)


def test_login_and_home(web, world):
    web.login(world.users.reviewer)
    assert web.get("/pruefung/").status_code == 200
