"""Leads: registrations of non-member municipalities interested in joining the network."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.access_requests import AccessRequest, city_accounts, request_access
from ..applications.models import Application
from ..applications.queries import applications_of
from ..engine.models import Case
from ..extensions import db
from .models import MeetingRegistration

logger = logging.getLogger(__name__)


class LeadError(ValueError):
    """An invitation cannot be made from this registration; the message says why (German)."""


def member_ids():
    """Return a subquery of the ids of municipalities with an approved application (members)."""
    return (
        select(Application.municipality_id)
        .join(Case, Case.id == Application.case_id)
        .where(Case.state == "approved")
    )


def is_member(municipality_id: int) -> bool:
    """Return whether the municipality is a member of the network (has an approved application)."""
    return (
        db.session.scalar(
            member_ids().where(Application.municipality_id == municipality_id).limit(1)
        )
        is not None
    )


def leads() -> list[MeetingRegistration]:
    """Return the registrations ticked 'interested in joining' from non-members, newest first."""
    return list(
        db.session.scalars(
            select(MeetingRegistration)
            .options(
                joinedload(MeetingRegistration.meeting),
                joinedload(MeetingRegistration.municipality),
            )
            .where(
                MeetingRegistration.interested_in_joining.is_(True),
                MeetingRegistration.municipality_id.not_in(member_ids()),
            )
            .order_by(MeetingRegistration.created_at.desc(), MeetingRegistration.id.desc())
        )
    )


def city_overview(registrations) -> dict[int, tuple[list, list]]:
    """Return the accounts and applications of each lead's municipality, by municipality id.

    Whoever confirms a lead's account gives it all of these: the leads page shows them.
    """
    ids = {r.municipality_id for r in registrations}
    return {i: (city_accounts(i), applications_of(i)) for i in sorted(ids)}


def access_requests_of(registrations) -> dict[int, AccessRequest]:
    """Return the access requests of the accounts made from the leads, by user id."""
    user_ids = [r.invited_user_id for r in registrations if r.invited_user_id is not None]
    if not user_ids:
        return {}
    found = db.session.scalars(select(AccessRequest).where(AccessRequest.user_id.in_(user_ids)))
    return {r.user_id: r for r in found}


def invite_lead(registration: MeetingRegistration, actor):
    """Create a pending account from a lead; raise LeadError or AccountError.

    The address comes from a public form, so the account reaches the municipality's cases
    only once the city's own accounts or the ministry confirm it (access_requests.py).
    """
    if not registration.interested_in_joining:
        raise LeadError(_("Diese Anmeldung hat kein Interesse am Beitritt angegeben."))
    if is_member(registration.municipality_id):
        raise LeadError(
            _("%(name)s ist bereits Mitglied des Netzwerks.", name=registration.municipality.name)
        )
    if registration.invited_user_id is not None:
        raise LeadError(
            _(
                "Für diese Anmeldung wurde bereits ein Konto angelegt (%(email)s).",
                email=registration.invited_user.email,
            )
        )
    user, request, _token = request_access(
        email=registration.email,
        name=registration.name,
        municipality=registration.municipality,
        actor=actor,
    )
    registration.invited_user = user
    db.session.flush()
    logger.info("Lead %s invited as pending user %s by %s", registration.id, user.id, actor.id)
    return request
