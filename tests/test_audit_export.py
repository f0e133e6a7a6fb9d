"""An outside auditor recomputes the hashes from the exports with tools/verify_export.py."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from api_schema_support import PREFIX, bearer, tokens_for
from funding_support import final_notice
from sqlalchemy import select

from antrag.audit import snapshot
from antrag.extensions import db
from antrag.funding.models import FundingNotice

TOOL = Path(__file__).parents[1] / "tools" / "verify_export.py"


def run_tool(path: Path) -> subprocess.CompletedProcess:
    """Run the script as an auditor would: a bare interpreter, no Antrag on the path."""
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), str(path)], capture_output=True, text=True, check=False
    )


@pytest.fixture
def casefile(make_web, world, make_application, tmp_path) -> Path:
    notice = final_notice(make_application, world)
    response = make_web(world.users.reviewer).get(f"/auswertung/akten/{notice.application_id}")
    assert response.status_code == 200
    path = tmp_path / "akte.zip"
    path.write_bytes(response.get_data())
    return path


def rewrite_history(source: Path, target: Path, change) -> Path:
    """Copy the case file with `change` applied to its verlauf.json (as a forger would)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "verlauf.json":
                history = json.loads(data)
                change(history)
                data = json.dumps(history, ensure_ascii=False).encode("utf-8")
            new.writestr(item, data)
    return target


def test_case_file_history_carries_the_snapshots_and_verifies(casefile):
    history = json.loads(zipfile.ZipFile(casefile).read("verlauf.json"))
    notice_case = next(c for c in history["cases"] if c["workflow"] == "funding_notice")
    waiver = notice_case["entries"][-1]

    result = run_tool(casefile)

    assert json.loads(waiver["subject_snapshot"])["amount"] == "60750.00"
    assert waiver["subject_hash"] == snapshot.sha256(waiver["subject_snapshot"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok (" in result.stdout and "history entries" in result.stdout


def test_forged_snapshot_in_the_case_file_is_found(casefile, tmp_path):
    def raise_amount(history):
        case = next(c for c in history["cases"] if c["workflow"] == "funding_notice")
        entry = case["entries"][-1]
        entry["subject_snapshot"] = entry["subject_snapshot"].replace("60750.00", "99999.00")

    forged = rewrite_history(casefile, tmp_path / "forged.zip", raise_amount)

    result = run_tool(forged)

    assert result.returncode == 1
    assert "subject_snapshot does not match subject_hash" in result.stdout
    assert "content does not match its hash" in result.stdout


def test_admin_record_export_verifies_and_a_forgery_is_found(make_web, world, tmp_path):
    world.round.budget = world.round.budget + 1000
    db.session.commit()
    data = make_web(world.users.admin).get("/verwaltung/protokoll.json").get_json()
    exported = tmp_path / "protokoll.json"
    exported.write_text(json.dumps(data), encoding="utf-8")
    budget = next(r for r in data["records"] if r["field"] == "budget")
    budget["new"] = "999999.00"
    forged = tmp_path / "gefaelscht.json"
    forged.write_text(json.dumps(data), encoding="utf-8")

    assert run_tool(exported).returncode == 0
    result = run_tool(forged)
    assert result.returncode == 1
    assert f"administration record #{budget['seq']}: content does not match" in result.stdout


def test_api_history_carries_what_the_hash_covers(client, world, make_application):
    notice = final_notice(make_application, world)
    token = tokens_for(world)["reviewer"]

    items = client.get(
        f"{PREFIX}/funding-notices/{notice.id}/history", headers=bearer(token)
    ).get_json()["items"]

    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_export
    finally:
        sys.path.remove(str(TOOL.parent))
    for item in items:
        covered = item["hashed_content"] | {"prev_hash": item["prev_hash"], "hash": item["hash"]}
        assert verify_export.entry_hash(covered) == item["hash"]
        assert item["subject_hash"] == snapshot.sha256(covered["subject_snapshot"])
    latest = db.session.scalar(select(FundingNotice).filter_by(id=notice.id)).decisive_data()
    assert json.loads(items[-1]["hashed_content"]["subject_snapshot"]) == latest
