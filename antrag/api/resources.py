"""The uniform shape of every workflow-driven resource: list, detail, transitions, history.

Each resource names its model, its workflow, its serializer and the query of what a role may
list; the list query must agree with the model's `can_view` (a test checks it row by row).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import jsonify
from flask_login import current_user
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from .. import engine
from ..amendments.models import AmendmentNotice
from ..applications.models import Application
from ..cases.visibility import sees_everything, visibility
from ..engine import prefetch
from ..engine.errors import InvalidInput
from ..engine.models import HistoryEntry
from ..extensions import db
from ..funding.models import CallOff, FundingNotice, ProofOfUse
from ..input_text import text_problem
from ..mentoring.models import MentoringAssignment
from ..notices.models import RejectionNotice
from ..read_phase import commit_keeping_rows, read_phase, sqlite
from ..routing import MAX_ID
from . import prefer, serializers
from .blueprint import bp
from .inputs import get_int, get_visible, json_body, peeked_trigger
from .links import application_links, application_visible, funding_notice_links, notice_links
from .listing import list_view, visible_query
from .problems import invalid
from .urls import api_url


@dataclass(frozen=True)
class Resource:
    """A workflow-driven resource of the API."""

    path: str  # the URL segment, e.g. "funding-notices"
    name: str  # the endpoint prefix and schema name, e.g. "funding_notice"
    title: str  # German, for the documentation
    model: type
    workflow: str
    serialize: Callable
    visible: Callable  # user -> SQL condition on the model (joined to Case and what `joins` adds)
    round_column: object
    municipality_column: object
    joins: tuple = ()
    # Loader options for a single object whose detail is represented (what it shows in full).
    detail_options: tuple = ()
    # (rows, user, made=None) -> {id: {name: URL or None}}: links to other resources (see
    # links.py), computed for a whole page at once; `made` is what the transition just fired
    # created (its context's `made`), which they may link without asking the database.
    # `link_names` names them for the OpenAPI document.
    links: Callable | None = None
    link_names: tuple = ()

    def url(self, obj) -> str:
        return api_url(_endpoints(self.name)[0], object_id=obj.id)

    def minimal(self, obj) -> dict:
        """Return the minimal answer of a transition: the case's new state and version."""
        case = obj.case
        return {
            "id": obj.id,
            "state": case.state,
            "version": case.version,
            "links": {"self": self.url(obj)},
        }

    def represent(
        self, obj, user, *, detail: bool, links: dict | None = None, made: dict | None = None
    ) -> dict:
        """Return the resource's JSON: its fields, its case fields, and on detail its actions.

        `links` are the object's links to other resources if computed for a page already;
        `made` is what the transition the answer reports just created, for computing them."""
        body = self.serialize(obj, user) | serializers.case_fields(obj.case)
        detail_endpoint, history_endpoint, transitions_endpoint = _endpoints(self.name)
        body["links"] = {
            "self": api_url(detail_endpoint, object_id=obj.id),
            "history": api_url(history_endpoint, object_id=obj.id),
            "transitions": api_url(transitions_endpoint, object_id=obj.id),
            "html": api_url(obj.ENDPOINT, **obj.url_values()),
        }
        if self.links is not None:
            body["links"] |= links if links is not None else self.links([obj], user, made)[obj.id]
        if detail:
            body["actions"] = serializers.actions(obj.case, user, obj)
        return body


@functools.cache
def _endpoints(name: str) -> tuple[str, str, str]:
    """Return the endpoints of a resource's detail, history and transitions."""
    return (f"api.{name}_detail", f"api.{name}_history", f"api.{name}_transitions")


def _notice_visible(user):
    """A notice's parts (call-offs, proofs of use): the city concerned and the ministry."""
    if user.role == "applicant":
        return FundingNotice.municipality_id == user.municipality_id
    if user.role == "reviewer":
        return FundingNotice.id.is_not(None)
    return false()


def _amendment_visible(user):
    """Amendment notices: the ministry all, the city its own once signed (as `can_view`)."""
    if user.role == "applicant":
        return (AmendmentNotice.municipality_id == user.municipality_id) & (
            AmendmentNotice.issued_at.is_not(None)
        )
    if user.role == "reviewer":
        return AmendmentNotice.id.is_not(None)
    return false()


RESOURCES = (
    Resource(
        "applications",
        "application",
        "Anträge auf Mitgliedschaft",
        Application,
        "membership",
        serializers.application,
        application_visible,
        Application.round_id,
        Application.municipality_id,
        detail_options=(joinedload(Application.projects), joinedload(Application.attachments)),
        links=application_links,
        link_names=("notice",),
    ),
    Resource(
        "funding-notices",
        "funding_notice",
        "Förderbescheide",
        FundingNotice,
        "funding_notice",
        serializers.funding_notice,
        FundingNotice.visible_to,
        FundingNotice.round_id,
        FundingNotice.municipality_id,
        links=notice_links,
        link_names=("application",),
    ),
    Resource(
        "rejection-notices",
        "rejection_notice",
        "Ablehnungsbescheide",
        RejectionNotice,
        "rejection_notice",
        serializers.rejection_notice,
        RejectionNotice.visible_to,
        RejectionNotice.round_id,
        RejectionNotice.municipality_id,
        links=notice_links,
        link_names=("application",),
    ),
    Resource(
        "amendment-notices",
        "amendment_notice",
        "Änderungsbescheide",
        AmendmentNotice,
        "amendment_notice",
        serializers.amendment_notice,
        _amendment_visible,
        AmendmentNotice.round_id,
        AmendmentNotice.municipality_id,
        links=funding_notice_links,
        link_names=("notice",),
    ),
    Resource(
        "call-offs",
        "call_off",
        "Mittelabrufe",
        CallOff,
        "call_off",
        serializers.call_off,
        _notice_visible,
        FundingNotice.round_id,
        FundingNotice.municipality_id,
        joins=((FundingNotice, FundingNotice.id == CallOff.notice_id),),
        links=funding_notice_links,
        link_names=("notice",),
    ),
    Resource(
        "proofs-of-use",
        "proof_of_use",
        "Verwendungsnachweise",
        ProofOfUse,
        "proof_of_use",
        serializers.proof_of_use,
        _notice_visible,
        FundingNotice.round_id,
        FundingNotice.municipality_id,
        joins=((FundingNotice, FundingNotice.id == ProofOfUse.notice_id),),
        links=funding_notice_links,
        link_names=("notice",),
    ),
    Resource(
        "mentoring-assignments",
        "mentoring_assignment",
        "Mentoring-Zuordnungen",
        MentoringAssignment,
        "mentoring",
        serializers.mentoring_assignment,
        MentoringAssignment.visible_to,
        Application.round_id,
        MentoringAssignment.municipality_id,
        joins=((Application, Application.id == MentoringAssignment.application_id),),
    ),
)
BY_NAME = {r.name: r for r in RESOURCES}


def detail_view(resource: Resource, object_id: int):
    found = get_visible(resource.model, object_id, current_user, resource.detail_options)
    return jsonify(resource.represent(found, current_user, detail=True))


TRANSITION_FIELDS = ("trigger", "version", "comment", "inputs", "confirm_waiver")
# Triggers that declare something the city cannot take back: the body confirms it.
CONFIRMED_TRIGGERS = {"waive_appeal": "confirm_waiver"}
COMMENT_LIMIT = 5000


def transitions_view(resource: Resource, object_id: int):
    """Fire one transition through the engine; 200 with the new representation.

    With `Prefer: return=minimal` the answer is the new state and version only (prefer.py).
    """
    user = current_user._get_current_object()  # the engine asks it often: not via the proxy
    minimal = prefer.answers_minimal()
    # What the named trigger's guards, effects and mail read, drawn with the load
    # (PostgreSQL); the body is checked after the load, whose 404 comes first.
    trigger = peeked_trigger()
    reads = prefetch.for_trigger(resource.model, resource.workflow, trigger) if trigger else ()
    with read_phase():  # SQLite: the engine re-checks under the write lock what is read here
        found = get_visible(
            resource.model, object_id, user, resource.detail_options, transition=True, reads=reads
        )
    body = json_body()
    errors = {key: "Dieses Feld gibt es nicht." for key in body if key not in TRANSITION_FIELDS}
    trigger = body.get("trigger")
    if (
        not isinstance(trigger, str)
        or not trigger
        or len(trigger) > 64
        or text_problem(trigger, multiline=False)
    ):
        errors["trigger"] = "Bitte geben Sie die Aktion (trigger) als Text an."
    version = get_int(body, "version", errors)
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = "Bitte geben Sie den Kommentar als Text an."
    inputs = body.get("inputs") or {}
    if not isinstance(inputs, dict):
        errors["inputs"] = "Bitte geben Sie die Angaben als JSON-Objekt an."
    else:
        for key, value in inputs.items():
            if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
                errors[f"inputs.{key}"] = "Bitte geben Sie einen Text, eine Zahl oder null an."
            elif isinstance(value, str) and text_problem(value, multiline=True):
                # What no input may hold; the engine then holds each to its declared kind.
                errors[f"inputs.{key}"] = text_problem(value, multiline=True)
    confirmation = CONFIRMED_TRIGGERS.get(trigger) if isinstance(trigger, str) else None
    if confirmation and body.get(confirmation) is not True:
        errors[confirmation] = (
            "Der Verzicht auf Rechtsbehelfe kann nicht widerrufen werden. Bitte bestätigen Sie "
            "die Erklärung mit „confirm_waiver“: true."
        )
    if errors:
        raise invalid(errors)
    try:
        ctx = engine.fire(
            found.case_id,
            trigger,
            user,
            version=version,
            comment=comment,
            inputs=inputs,
            subject=found,
        )
    except InvalidInput as exc:
        # The engine names inputs by their declared name; the body nests them under "inputs".
        raise invalid(
            {key if key == "comment" else f"inputs.{key}": msg for key, msg in exc.errors.items()},
            exc.message,
        ) from None

    # Built from what it wrote, without reading it back. On SQLite after the commit (rows
    # kept), so that the one write lock is not held while the answer is built; elsewhere
    # inside the transaction (a second one would cost round trips). A failed commit
    # discards it. `Prefer: return=minimal`: the new state only (see prefer.py).
    def answer():
        if minimal:
            return resource.minimal(found)
        return resource.represent(found, user, detail=True, made=ctx.made)

    if sqlite():
        commit_keeping_rows()
        with read_phase():
            body = answer()
    else:
        body = answer()
        db.session.commit()
    return prefer.applied(jsonify(body)) if minimal else jsonify(body)


def history_view(resource: Resource, object_id: int):
    found = get_visible(resource.model, object_id, current_user)
    entries = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == found.case_id).order_by(HistoryEntry.seq)
    )
    if sees_everything(current_user):
        return jsonify(items=[serializers.history_entry(e) for e in entries])
    items = []
    for entry in entries:  # a city or mentor: without what is internal to the ministry
        shown, comment_shown = visibility(entry)
        if shown:
            item = serializers.history_entry(entry)
            if not comment_shown:
                item["comment"] = None
                item["comment_withheld"] = True
            items.append(item)
    return jsonify(items=items)


def _register(resource: Resource) -> None:
    base = f"/{resource.path}"
    item = f"{base}/<int:object_id>"
    name = resource.name
    for rule, suffix, view, methods in (
        (base, "list", list_view, ["GET"]),
        (item, "detail", detail_view, ["GET"]),
        (f"{item}/transitions", "transitions", transitions_view, ["POST"]),
        (f"{item}/history", "history", history_view, ["GET"]),
    ):

        def endpoint(_view=view, **kwargs):
            return _view(resource, **kwargs)

        endpoint.__name__ = f"{name}_{suffix}"
        endpoint.__doc__ = view.__doc__
        bp.add_url_rule(rule, f"{name}_{suffix}", endpoint, methods=methods)
    prefer.MINIMAL_ENDPOINTS.add(f"{bp.name}.{name}_transitions")


for _resource in RESOURCES:
    _register(_resource)

__all__ = ["BY_NAME", "MAX_ID", "RESOURCES", "Resource", "visible_query"]
