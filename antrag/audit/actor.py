"""Who makes an administrative change: the logged-in user, the CLI's `--actor`, or the system."""

import getpass
from contextlib import contextmanager
from dataclasses import dataclass

import click
from flask import g, has_app_context, has_request_context

CLI_ACTOR_KEY = "antrag.audit.actor"  # click context meta: the account named by --actor
SELF_ACTOR_KEY = "antrag_audit_self_actor"  # g: an account acting on itself before its login


@dataclass(frozen=True)
class Actor:
    """The id (None for the system or an unnamed CLI user) and name recorded for a change."""

    id: int | None
    name: str


def current_actor() -> Actor:
    """Return the actor of the change being flushed.

    Inside `acting_as(user)` it is that account; in a request the logged-in user (web or
    API token, both set `g._login_user`); in a CLI command the account given with `--actor`,
    else the operating-system user; otherwise the system.
    """
    if has_app_context() and g.get(SELF_ACTOR_KEY) is not None:
        return g.get(SELF_ACTOR_KEY)
    if has_request_context():
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            return Actor(user.id, f"{user.name} <{user.email}>")
        return Actor(None, "System (Anfrage ohne Anmeldung)")
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        named = _cli_actor(ctx)
        if named is not None:
            return named
        try:
            return Actor(None, f"CLI ({getpass.getuser()})")
        except (KeyError, OSError):
            return Actor(None, "CLI")
    return Actor(None, "System")


@contextmanager
def acting_as(user):
    """Record the changes flushed inside as made by `user` (e.g. its own first SSO login)."""
    previous = g.get(SELF_ACTOR_KEY)
    setattr(g, SELF_ACTOR_KEY, Actor(user.id, f"{user.name} <{user.email}>"))
    try:
        yield
    finally:
        setattr(g, SELF_ACTOR_KEY, previous)


def _cli_actor(ctx: click.Context) -> Actor | None:
    """Return the account named with `--actor` (looked up once per command), or None."""
    found = ctx.meta.get(CLI_ACTOR_KEY)
    if isinstance(found, str):
        from ..accounts.models import User
        from ..extensions import db

        user = db.session.execute(
            db.select(User.id, User.name, User.email).filter_by(email=found.strip().lower())
        ).first()
        found = Actor(user.id, f"{user.name} <{user.email}>") if user else Actor(None, found)
        ctx.meta[CLI_ACTOR_KEY] = found
    return found


def _remember_actor(ctx: click.Context, param, value) -> None:
    if value:
        ctx.meta[CLI_ACTOR_KEY] = value


def actor_option(group: click.Group) -> click.Group:
    """Give a command group the option `--actor EMAIL`: the account its changes are recorded for."""
    group.params.append(
        click.Option(
            ["--actor"],
            metavar="EMAIL",
            expose_value=False,
            callback=_remember_actor,
            help="The account recorded as the actor of the changes (administration record).",
        )
    )
    return group
