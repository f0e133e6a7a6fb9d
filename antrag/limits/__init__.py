"""Limits on public forms against automation: counters in the database and a honeypot.

The counters live in the database (one row per form, kind and client or e-mail address,
counted with one atomic upsert), so they hold across gunicorn workers and machines.
"""
