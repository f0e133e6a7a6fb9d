"""Tamper evidence beyond the history chain: subject snapshots, documents, the admin record.

`snapshot` computes the decisive data a history entry covers, `subjects` and `documents`
compare the current rows and files with what was recorded, `record` keeps the hash-chained
administration record, and `verify` runs every check for `flask audit verify`.
"""
