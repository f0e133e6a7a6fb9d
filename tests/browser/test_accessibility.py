"""axe-core in headless Chromium over the main journeys of every role: zero violations.

WCAG 2.0/2.1 levels A and AA (BITV 2.0) plus axe's best practices, on pages with content
and on pages with validation errors shown. Each page also has to be German and to have
exactly one first-level heading and reflow without sideways scrolling, in a desktop window
and at 320 CSS pixels; the pages of issue 15 in English too. To check another page, add a
row to PAGES (a11y_pages.py). One login per role, language and viewport.
"""

import pytest
from playwright.sync_api import Error as PlaywrightError

from .a11y_pages import ACCOUNTS, PAGES, ROLES, VIEWPORTS
from .a11y_scene import build_issue_15_scene
from .a11y_steps import Visit, empty_form, in_english
from .axe_support import (
    axe_source,
    build_network_scene,
    build_scene,
    describe,
    run_axe,
    untied_errors,
)
from .test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.database_agnostic]


@pytest.fixture
def scene(request, app, world, make_application) -> dict:
    """Content for the role's pages of PAGES; the ids (and link tokens) by name."""
    app.config["PUBLIC_FORM_MAX_PER_ADDRESS"] = 1  # a second report shows the 429 page
    ids = build_network_scene(world, build_scene(app, world, make_application))
    return build_issue_15_scene(world, make_application, ids, request.node.callspec.params["role"])


@pytest.fixture(scope="module")
def axe():
    """axe-core's source, read once per module."""
    return axe_source()


def check(page, server, name: str, visit: Visit, ids: dict, axe: str) -> str | None:
    """Open one page, do its steps, run axe; return what is wrong, or None."""
    response = page.goto(server.url + visit.path.format(**ids))
    if visit.then is not None:
        try:
            visit.then(page)
            page.wait_for_load_state()  # the page a step led to has its style sheet
        except (AssertionError, PlaywrightError) as exc:
            return f"{name} ({page.url}): the steps on the page failed: {exc}"
    elif response.status != visit.status:
        return f"{name}: status {response.status}, expected {visit.status}"
    problems = []
    if page.locator("html").get_attribute("lang") != visit.lang:
        problems.append(f'  - <html> has no lang="{visit.lang}"')
    if (headings := page.locator("h1").count()) != 1:
        problems.append(f"  - {headings} first-level headings instead of one")
    if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
        problems.append("  - the page scrolls sideways (content does not reflow)")
    problems += [f"  - {problem}" for problem in untied_errors(page)]
    violations = run_axe(page, axe)
    if violations:
        problems.append(describe(violations))
    if problems:
        return f"{name} ({page.url}):\n" + "\n".join(problems)
    return None


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ROLES)
def test_pages_have_no_axe_violations(role, viewport, scene, live_server, page, axe):
    page.set_viewport_size(VIEWPORTS[viewport])
    account = ACCOUNTS.get(role, role)
    if account is not None:
        log_in(page, live_server, getattr(live_server.users, account).email)
        if account != role:  # an English twin: the session switches after the login
            in_english(page)
    failures = [
        check(page, live_server, name, visit, scene, axe)
        for name, visit in PAGES.items()
        if visit.role == role
    ]
    failures = [failure for failure in failures if failure]
    assert not failures, "axe-core and page checks:\n" + "\n".join(failures)


def test_axe_reports_a_field_that_lost_its_label(live_server, page, axe):
    """The check is live: remove a label and axe names the rule and the field."""
    page.goto(f"{live_server.url}/anmelden")
    assert run_axe(page, axe) == []
    page.locator("label[for=email]").evaluate("label => label.remove()")
    violations = run_axe(page, axe)
    assert "label" in {violation["id"] for violation in violations}
    assert "at #email" in describe(violations)


def test_an_error_message_without_its_field_is_reported(live_server, page):
    """The error association check is live: untie a field from its message and it says so."""
    page.goto(f"{live_server.url}/anmelden")
    empty_form("Anmelden")(page)
    assert untied_errors(page) == []
    page.locator("#email").evaluate("field => field.removeAttribute('aria-describedby')")
    assert "invalid field without its error message: #email" in untied_errors(page)
