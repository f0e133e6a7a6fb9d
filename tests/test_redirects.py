"""The one check of where a form may send a person on to (no open redirects)."""

import ast
from pathlib import Path

import pytest

from antrag.redirects import safe_next

pytestmark = pytest.mark.database_agnostic
ROOT = Path(__file__).resolve().parent.parent

LOCAL = ["/", "/antraege/", "/antraege/7?tab=verlauf", "/eingang/#aufgaben"]
FOREIGN = [
    None,
    "",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "/\\/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "anmelden",
    "/\tevil",
    "/\n//evil.example",
]


@pytest.mark.parametrize("target", LOCAL)
def test_a_local_path_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", FOREIGN)
def test_anything_that_could_leave_the_site_is_refused(target):
    assert safe_next(target) is None


def _imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any level (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_module_imports_a_view_module_for_the_check():
    """`antrag.i18n` took the check from the login view, a circle through `fields.py`."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "antrag").rglob("*.py"))
        if "_safe_next" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
    assert not any("views" in module for module in _imported_modules(ROOT / "antrag" / "i18n.py"))


def test_the_login_refuses_a_backslash_target(web, world):
    web.get("/anmelden")
    response = web.post(
        "/anmelden?next=/%5Cevil.example/",
        {"email": world.users.speyer.email, "password": "korrekt-pferd-batterie"},
    )
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_the_login_goes_on_to_a_local_target(web, world):
    web.get("/anmelden")
    response = web.post(
        "/anmelden?next=/antraege/",
        {"email": world.users.speyer.email, "password": "korrekt-pferd-batterie"},
    )
    assert response.headers["Location"] == "/antraege/"
