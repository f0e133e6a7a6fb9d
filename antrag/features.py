"""Import every module that registers models, guards, effects or subjects.

Both create_app() and the app-less `flask workflows` commands call `load()`, so that the
registries are complete before definitions are validated.
"""

import importlib

MODULES = (
    "antrag.engine.models",
    "antrag.files",
    "antrag.engine.guards",
    "antrag.mail.models",
    "antrag.accounts.models",
    "antrag.accounts.factor_models",
    "antrag.programme.models",
    "antrag.applications.models",
    "antrag.applications.rules",
    "antrag.applications.revisions",
    "antrag.applications.financing",
    "antrag.applications.early_start",
    "antrag.funding.models",
    "antrag.funding.rules",
    "antrag.funding.call_off_rules",
    "antrag.funding.letter_rules",
    "antrag.funding.proof_models",
    "antrag.funding.proof_review",
    "antrag.funding.proof_rules",
    "antrag.payments.models",
    "antrag.payments.rules",
    "antrag.notices.consent",
    "antrag.notices.models",
    "antrag.notices.rules",
    "antrag.notices.rejection_rules",
    "antrag.amendments.models",
    "antrag.amendments.rules",
    "antrag.reclaim.models",
    "antrag.reclaim.rules",
    "antrag.reclaim.receipts",
    "antrag.reclaim.payment_rules",
    "antrag.mentoring.models",
    "antrag.mentoring.rules",
    "antrag.api.models",
    "antrag.security_keys.models",
    "antrag.security_keys.integration",  # registers security keys as a second factor
    "antrag.accounts.invitations",
    "antrag.accounts.access_requests",
    "antrag.accounts.oidc_models",
    "antrag.meetings.models",
    "antrag.meetings.rules",
    "antrag.idempotency.models",
    "antrag.messages.models",
    "antrag.limits.models",
    "antrag.inbox.models",
    "antrag.audit.models",
    "antrag.audit.record",  # after the models whose columns it watches
)


def load() -> None:
    """Import the feature modules (idempotent)."""
    for name in MODULES:
        importlib.import_module(name)
