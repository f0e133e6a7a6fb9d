"""`flask users …`: create and list accounts and their API tokens from the command line."""

import sys

import click
from flask.cli import AppGroup

from ..audit.actor import actor_option
from ..extensions import db
from .operations import AccountError, create_user, set_password, update_user

users_cli = actor_option(AppGroup("users", help="Manage user accounts."))


def _topics(ctx, param, value):
    """Split `--mentor-topics verwaltung,mobilitaet` into keys ('' clears, None keeps)."""
    if value is None:
        return None
    return [t.strip() for t in value.split(",") if t.strip()]


def mentor_options(command):
    """Add the mentor fields of the admin form: capacity and fields of action."""
    command = click.option(
        "--mentor-topics",
        callback=_topics,
        help="Mentors: fields of action, comma-separated keys, e.g. 'verwaltung,mobilitaet' "
        "('' clears them).",
    )(command)
    return click.option(
        "--mentor-capacity",
        type=int,
        help="Mentors: how many cities they accompany at once (0 to 50).",
    )(command)


def _refused(exc: AccountError):
    """Roll back, print every refusal of `exc` and exit 1."""
    db.session.rollback()
    for field, message in exc.errors.items():
        click.echo(f"Error: {field + ': ' if field else ''}{message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(["applicant", "reviewer", "mentor", "admin"])
)
@click.option("--name", help="Full name (defaults to the part of the e-mail before @).")
@click.option("--municipality", "ags", help="AGS of the municipality (applicants only).")
@click.option("--organisation", help="Organisation, e.g. 'Ministerium des Innern und für Sport'.")
@click.option("--can-sign", is_flag=True, help="Signing authority (reviewers): may issue notices.")
@click.option(
    "--lead", is_flag=True, help="Head of unit (reviewers): sees the escalated tasks in the inbox."
)
@click.option(
    "--may-represent",
    is_flag=True,
    help="May represent the city (applicants, § 47 GemO), e.g. waive the right of action.",
)
@click.option("--represents-as", help="The function in which they represent the city.")
@click.option("--function", "function_", help="Signature block: function, e.g. 'Referatsleiterin'.")
@click.option("--unit", help="Signature block: unit, e.g. 'Referat 35'.")
@click.option("--phone", help="Signature block: phone, e.g. '06131 16-3512'.")
@mentor_options
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Read from standard input or a prompt; never pass it on the command line.",
)
def create(email, role, name, ags, organisation, password, **extras):
    """Create the account EMAIL with ROLE; the password is read from stdin or a prompt."""
    extras["function"] = extras.pop("function_")
    extras["mentor_capacity"] = extras.pop("mentor_capacity") or 0
    extras["mentor_topics"] = extras.pop("mentor_topics") or ()
    try:
        user = create_user(
            email=email,
            name=name or email.split("@")[0],
            role=role,
            password=password,
            municipality_ags=ags,
            organisation=organisation,
            **extras,
        )
    except AccountError as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("list")
def list_users():
    """List every account with role and municipality or organisation."""
    from .models import User

    for user in db.session.scalars(db.select(User).order_by(User.role, User.email)):
        where = user.municipality.name if user.municipality else (user.organisation or "")
        state = "" if user.active else " (deaktiviert)"
        click.echo(f"{user.email:<40} {user.role:<10} {where}{state}")


def _find(email: str):
    """Return the account for EMAIL or exit 1."""
    from sqlalchemy import func, select

    from .models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        click.echo(f"Error: no account for {email}.", err=True)
        sys.exit(1)
    return user


def _set_active(email: str, active: bool) -> None:
    user = _find(email)
    try:
        update_user(
            user,
            name=user.name,
            role=user.role,
            municipality_ags=user.municipality.ags if user.municipality else None,
            organisation=user.organisation,
            active=active,
        )
    except AccountError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{user.email} is now {'active' if active else 'deactivated'}.")


@users_cli.command("edit")
@click.argument("email")
@click.option("--name", help="Full name.")
@click.option("--organisation", help="Organisation (ministry, KL.digital).")
@click.option("--can-sign/--no-can-sign", default=None, help="Signing authority (reviewers only).")
@click.option(
    "--lead/--no-lead",
    default=None,
    help="Head of unit (reviewers only): sees the escalated tasks in the inbox.",
)
@click.option(
    "--may-represent/--no-may-represent",
    default=None,
    help="Entitled to represent the city (applicants only; needs --represents-as once).",
)
@click.option("--represents-as", help="The function in which they represent the city.")
@click.option("--function", "function_", help="Signature block: function ('' clears it).")
@click.option("--unit", help="Signature block: unit ('' clears it).")
@click.option("--phone", help="Signature block: phone ('' clears it).")
@mentor_options
def edit(email, name, organisation, can_sign, lead, may_represent, represents_as, function_,
         unit, phone, mentor_capacity, mentor_topics):  # fmt: skip
    """Change the account EMAIL: only the options given change (as in the admin form)."""
    user = _find(email)
    if represents_as is not None and may_represent is None:
        may_represent = user.may_represent or bool(represents_as)
    if may_represent and represents_as is None:
        represents_as = user.represents_as
    try:
        update_user(
            user,
            name=user.name if name is None else name,
            role=user.role,
            municipality_ags=user.municipality.ags if user.municipality else None,
            organisation=user.organisation if organisation is None else organisation,
            active=user.active,
            can_sign=can_sign,
            lead=lead,
            may_represent=may_represent,
            represents_as=represents_as,
            function=function_,
            unit=unit,
            phone=phone,
            mentor_capacity=mentor_capacity,
            mentor_topics=mentor_topics,
        )
    except AccountError as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Changed {user.email}.")
    click.echo(_summary(user))


def _summary(user) -> str:
    """Return the flags and signature block of an account on one line."""
    flags = [
        "signing authority" if user.can_sign else "",
        "head of unit" if user.lead else "",
        f"represents the city as {user.represents_as}" if user.may_represent else "",
        f"mentor capacity {user.mentor_capacity}" if user.role == "mentor" else "",
        f"topics {user.mentor_topics or '-'}" if user.role == "mentor" else "",
    ]
    block = ", ".join(p for p in (user.function, user.unit, user.phone) if p) or "-"
    return f"  {'; '.join(f for f in flags if f) or 'no flags'}; signature block: {block}"


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Deactivate the account EMAIL (it can no longer log in; its history stays)."""
    _set_active(email, False)


@users_cli.command("activate")
@click.argument("email")
def activate(email):
    """Activate the account EMAIL again."""
    _set_active(email, True)


@users_cli.command("set-password")
@click.argument("email")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Read from standard input or a prompt; never pass it on the command line.",
)
def set_password_command(email, password):
    """Set a new password for EMAIL, read from standard input or a prompt."""
    user = _find(email)
    try:
        set_password(user, password)
    except AccountError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


def _when(value) -> str:
    """Format a UTC time for the terminal in Europe/Berlin, or `-`."""
    from ..engine.calendar import BERLIN

    return value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if value else "-"


@users_cli.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'Haushaltssystem'.")
def create_token_command(email, name):
    """Create an API token for EMAIL and print only its secret (it is shown this once)."""
    from ..api.tokens import TokenRefused, create_token

    user = _find(email)
    try:
        _, secret = create_token(user, name)
    except TokenRefused as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(secret)


@users_cli.command("tokens")
@click.argument("email")
def list_tokens(email):
    """List the API tokens of EMAIL: id, name, prefix, created, last used, revoked."""
    from ..api.tokens import tokens_of

    user = _find(email)
    tokens = tokens_of(user)
    if not tokens:
        click.echo(f"{user.email} has no API tokens.")
    for token in tokens:
        click.echo(
            f"{token.id:>5} {token.name:<30} {token.prefix}… "
            f"created {_when(token.created_at)}  last used {_when(token.last_used_at)}  "
            f"revoked {_when(token.revoked_at)}"
        )


@users_cli.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
def revoke_token_command(email, token_id):
    """Revoke the API token TOKEN_ID of EMAIL."""
    from ..api.tokens import revoke_token

    token = revoke_token(_find(email), token_id)
    if token is None:
        click.echo(f"Error: {email} has no token {token_id}.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) of {token.user.email} is revoked.")
