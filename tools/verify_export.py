#!/usr/bin/env python3
"""Verify Antrag's exports without Antrag: a case file (Akte, ZIP) or the administration record.

Standard library only, so that an outside auditor can read and run it as it is:

    python3 verify_export.py akte-….zip            # the history and the documents of a case file
    python3 verify_export.py verwaltungsprotokoll.json

The rules (README, "Prüfung durch Dritte"): every entry of an export carries every field its
hash covers plus `prev_hash` and `hash` (the case file adds `content_verified`, which is not
covered). hash = SHA-256 of the canonical JSON of the covered fields plus "prev": prev_hash
(keys sorted, separators "," and ":", non-ASCII kept, UTF-8). A history entry's
`subject_hash` is the SHA-256 of its `subject_snapshot` (a string, hashed as UTF-8). A
case's history entries are chained per case (prev_hash = the hash of the case's previous
entry; entries up to `legacy_chain_until_seq` instead to the entry numbered one lower) and
end in the case's `chain_hash`; administration records with consecutive numbers are linked.
Exit status 0 when everything verifies, 1 otherwise; each finding is printed.
"""

import hashlib
import json
import sys
import zipfile

NOT_COVERED = {"prev_hash", "hash", "content_verified"}
GENESIS = "0" * 64


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: dict) -> str:
    """Recompute an entry's hash from its covered fields and its prev_hash."""
    content = {k: v for k, v in entry.items() if k not in NOT_COVERED}
    return sha256(canonical(content | {"prev": entry["prev_hash"]}))


def check_hashes(entries: list[dict], what: str, findings: list[str]) -> None:
    """Check each entry's hash and, where it has one, its subject hash."""
    for entry in entries:
        if entry_hash(entry) != entry["hash"]:
            findings.append(f"{what} #{entry['seq']}: content does not match its hash")
        snapshot = entry.get("subject_snapshot")
        if snapshot is not None and sha256(snapshot) != entry.get("subject_hash"):
            findings.append(f"{what} #{entry['seq']}: subject_snapshot does not match subject_hash")


def check_entries(entries: list[dict], what: str, findings: list[str]) -> int:
    """Check the hashes and the links between consecutive numbers (one chain, 1, 2, 3 …)."""
    check_hashes(entries, what, findings)
    by_seq = {entry["seq"]: entry for entry in entries}
    for seq, entry in by_seq.items():
        before = by_seq.get(seq - 1)
        expected = before["hash"] if before else (GENESIS if seq == 1 else None)
        if expected is not None and entry["prev_hash"] != expected:
            findings.append(f"{what} #{seq}: does not point at its predecessor")
    return len(by_seq)


def check_history(history: dict, findings: list[str]) -> str:
    """Check a case file's history: hashes, each case's chain and its head.

    Each case's entries form a chain (prev_hash = the hash of the case's previous entry, 64
    zeros for its first), ending in the case's `chain_hash`. Entries numbered up to
    `legacy_chain_until_seq` were written before the per-case chains: they point at the entry
    numbered one lower, whichever case it belongs to (checked where that entry is exported).
    """
    entries = [e for case in history["cases"] for e in case["entries"]]
    check_hashes(entries, "history entry", findings)
    legacy_until = history.get("legacy_chain_until_seq", 0)
    by_seq = {e["seq"]: e for e in entries}
    for case in history["cases"]:
        previous = None
        for entry in sorted(case["entries"], key=lambda e: e["seq"]):
            if entry["seq"] <= legacy_until:
                before = by_seq.get(entry["seq"] - 1)
                expected = before["hash"] if before else (GENESIS if entry["seq"] == 1 else None)
            else:
                expected = previous["hash"] if previous else GENESIS
            if expected is not None and entry["prev_hash"] != expected:
                findings.append(f"history entry #{entry['seq']}: does not point at its predecessor")
            previous = entry
        head = case.get("chain_hash")
        if head is not None and previous is not None and previous["hash"] != head:
            findings.append(f"case {case['case_id']}: its newest entries are missing")
    return f"{len(entries)} history entries of {len(history['cases'])} cases"


def check_admin_record(data: dict, findings: list[str]) -> str:
    records = data["records"]
    count = check_entries(records, "administration record", findings)
    if data.get("complete"):
        seqs = [r["seq"] for r in records]
        if seqs != list(range(1, len(seqs) + 1)):
            findings.append("administration record: numbers are not 1, 2, 3, … (records missing)")
    return f"{count} administration records"


def check_documents(archive: zipfile.ZipFile, findings: list[str]) -> str:
    """Check each file of a case file against its SHA-256 in the manifest and in the record."""
    manifest = json.loads(archive.read("manifest.json"))
    for member in manifest["files"]:
        actual = hashlib.sha256(archive.read(member["name"])).hexdigest()
        if actual != member["sha256"]:
            findings.append(f"document {member['name']}: content does not match the manifest")
        expected = member.get("expected_sha256")
        if expected is not None and expected != actual:
            findings.append(f"document {member['name']}: differs from the hash Antrag stored")
    for missing in manifest.get("missing", []):
        findings.append(f"document {missing['name']}: missing in Antrag's storage")
    return f"{len(manifest['files'])} documents"


def verify(path: str) -> tuple[list[str], list[str]]:
    """Return (what was checked, findings) for one export file."""
    checked, findings = [], []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            checked.append(check_history(json.loads(archive.read("verlauf.json")), findings))
            checked.append(check_documents(archive, findings))
    else:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
        if "records" in data:
            checked.append(check_admin_record(data, findings))
        else:
            checked.append(check_history(data, findings))
    return checked, findings


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: verify_export.py EXPORT [EXPORT …]", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        checked, findings = verify(path)
        for finding in findings:
            print(f"{path}: {finding}")
        failed = failed or bool(findings)
        print(f"{path}: {'FAILED' if findings else 'ok'} ({', '.join(checked)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
