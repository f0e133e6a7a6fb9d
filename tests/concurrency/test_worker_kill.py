"""Workers killed with SIGKILL in the middle of a burst of writes lose nothing acknowledged."""

import os
import random
import signal
import threading
import time

import pytest
import requests
from gunicorn_support import VERSION_RE

from antrag.engine.models import Case
from antrag.extensions import db

from .conftest import (
    add_cities,
    add_reviewers,
    assert_consistent,
    drive_application,
    fresh,
    history_of,
    login_all,
)

pytestmark = pytest.mark.concurrency

CASES = 6
BURST_SECONDS = 4.0
KILL_EVERY = 0.4
# Each case goes round in_review → proposed_approval → in_review … (two reviewers, four eyes).
NEXT = {
    "in_review": ("propose_approval", "Vollständig und förderfähig."),
    "proposed_approval": ("send_back", "Bitte noch einmal prüfen."),
}


def test_killed_workers_lose_no_acknowledged_write(gunicorn, world, database_uri):
    cities = add_cities(world, CASES)
    applications = [drive_application(world, c, a, "in_review") for c, a in cities]
    start = {a.case_id: a.case.version for a in applications}
    known = {a.case_id: len(history_of(a.case_id)) for a in applications}
    pages = {a.case_id: f"/antraege/{a.id}" for a in applications}
    proposers = add_reviewers(CASES, prefix="vorschlag")
    checkers = add_reviewers(CASES, prefix="zweitzeichnung")
    server = gunicorn()
    browsers = login_all(server.url, proposers + checkers)
    acknowledged: list[tuple[int, int, str]] = []  # (case, version posted, trigger)
    answers: list[int] = []
    broken = []  # requests whose worker died under them
    stop = threading.Event()

    def where(checker, page) -> tuple[str, int]:
        """Read the case page as the second reviewer: its state and version."""
        for _ in range(50):
            try:
                html = checker.get(page).text
            except requests.RequestException:
                time.sleep(0.05)
                continue
            state = "proposed_approval" if 'value="send_back"' in html else "in_review"
            return state, int(VERSION_RE.search(html).group(1))
        raise AssertionError("the server did not answer any more")

    def work(case_id, proposer, checker):
        page, state, version = pages[case_id], "in_review", start[case_id]
        while not stop.is_set():
            trigger, comment = NEXT[state]
            who = proposer if trigger == "propose_approval" else checker
            form = {"trigger": trigger, "version": str(version), "comment": comment}
            try:
                response = who.post(page + "/aktion", form)
            except requests.RequestException as exc:
                broken.append(repr(exc))
                state, version = where(checker, page)
                continue
            answers.append(response.status_code)
            if response.status_code == 302:
                acknowledged.append((case_id, version, trigger))
                version += 1
                state = "proposed_approval" if trigger == "propose_approval" else "in_review"
            else:
                state, version = where(checker, page)

    threads = [
        threading.Thread(target=work, args=(a.case_id, browsers[i], browsers[CASES + i]))
        for i, a in enumerate(applications)
    ]
    for thread in threads:
        thread.start()
    killed = 0
    deadline = time.monotonic() + BURST_SECONDS
    while time.monotonic() < deadline:
        time.sleep(KILL_EVERY)
        workers = server.worker_pids()
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)
            killed += 1
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert killed >= 5
    assert not [s for s in answers if s >= 500], server.log_text()[-4000:]
    assert len(acknowledged) >= CASES, (answers, broken)
    fresh()
    for case_id, first_version in start.items():
        entries = history_of(case_id)
        case = db.session.get(Case, case_id)
        # Only transitions touched these cases: one new history entry per version step.
        assert len(entries) - known[case_id] == case.version - first_version
    for case_id, version, trigger in acknowledged:
        entry = history_of(case_id)[known[case_id] + version - start[case_id]]
        assert entry.trigger == trigger, (case_id, version, trigger)
    assert_consistent(database_uri)
