"""Workers killed with SIGKILL in the middle of a burst of writes lose nothing acknowledged.

The burst mixes transitions (two reviewers taking cases round the four-eyes loop) with
draft saves (cities saving their application forms over and over).
"""

import os
import random
import signal
import threading
import time

import pytest
import requests
from gunicorn_support import VERSION_RE

from antrag.applications.models import Application
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
DRAFTS = 3
BURST_SECONDS = 5.0
KILL_EVERY = 0.4
# Each case goes round in_review → proposed_approval → in_review … (two reviewers, four eyes).
NEXT = {
    "in_review": ("propose_approval", "Vollständig und förderfähig."),
    "proposed_approval": ("send_back", "Bitte noch einmal prüfen."),
}


def test_killed_workers_lose_no_acknowledged_write(gunicorn, world, database_uri):
    cities = add_cities(world, CASES + DRAFTS)
    applications = [drive_application(world, c, a, "in_review") for c, a in cities[:CASES]]
    drafts = [drive_application(world, c, a, "draft") for c, a in cities[CASES:]]
    editors = [a for _, a in cities[CASES:]]
    start = {a.case_id: a.case.version for a in applications}
    known = {a.case_id: len(history_of(a.case_id)) for a in applications}
    pages = {a.case_id: f"/antraege/{a.id}" for a in applications}
    proposers = add_reviewers(CASES, prefix="vorschlag")
    checkers = add_reviewers(CASES, prefix="zweitzeichnung")
    server = gunicorn()
    browsers = login_all(server.url, proposers + checkers)
    draft_browsers = login_all(server.url, editors)
    saves = {d.id: DraftSaves(d.contact_phone) for d in drafts}
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

    def edit(draft_id, editor):
        page, log = f"/antraege/{draft_id}/bearbeiten", saves[draft_id]
        version, n = editor_version(editor, page), 0
        while not stop.is_set():
            n += 1
            phone = f"06232 {n:05d}"
            form = {"version": str(version), "contact_phone": phone, "save": "Entwurf speichern"}
            log.posted.append(phone)
            try:
                response = editor.post(page, form)
            except requests.RequestException as exc:
                broken.append(repr(exc))
                version = editor_version(editor, page)
                continue
            answers.append(response.status_code)
            if response.status_code == 302:
                log.acknowledged = phone
                version += 1
            else:
                version = editor_version(editor, page)

    threads = [
        threading.Thread(target=work, args=(a.case_id, browsers[i], browsers[CASES + i]))
        for i, a in enumerate(applications)
    ] + [
        threading.Thread(target=edit, args=(d.id, draft_browsers[i])) for i, d in enumerate(drafts)
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
    assert len(acknowledged) >= CASES // 2, (answers, broken)  # the burst did real work
    fresh()
    for case_id, first_version in start.items():
        entries = history_of(case_id)
        case = db.session.get(Case, case_id)
        # Only transitions touched these cases: one new history entry per version step.
        assert len(entries) - known[case_id] == case.version - first_version
    for case_id, version, trigger in acknowledged:
        entry = history_of(case_id)[known[case_id] + version - start[case_id]]
        assert entry.trigger == trigger, (case_id, version, trigger)
    assert [log for log in saves.values() if log.acknowledged], (saves, broken)
    for draft_id, log in saves.items():
        # The last acknowledged save is kept, unless a later save (whose answer was lost
        # with its worker) committed after it.
        stored = db.session.get(Application, draft_id).contact_phone
        assert stored in log.since_acknowledged(), (draft_id, stored, log)
    assert_consistent(database_uri)


class DraftSaves:
    """What one city posted and which of its saves the server acknowledged."""

    def __init__(self, original: str):
        self.original = original
        self.posted: list[str] = []
        self.acknowledged: str | None = None

    def since_acknowledged(self) -> list[str]:
        """Return the last acknowledged value (or the original) and every value posted after."""
        if self.acknowledged is None:
            return [self.original, *self.posted]
        return self.posted[self.posted.index(self.acknowledged) :]

    def __repr__(self):
        return f"DraftSaves(acknowledged={self.acknowledged!r}, last={self.posted[-3:]!r})"


def editor_version(editor, page) -> int:
    """Read the version of the draft's form, waiting for a worker to answer."""
    for _ in range(50):
        try:
            return editor.version_on(page)
        except requests.RequestException:
            time.sleep(0.05)
    raise AssertionError("the server did not answer any more")
