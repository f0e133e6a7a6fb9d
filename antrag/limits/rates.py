"""Counting uses per key in fixed windows, atomically, and the client address counted.

`count` adds one use with a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`: on
PostgreSQL the row lock makes parallel requests add one after the other and each sees its
own total; SQLite serialises writers anyway. The use is part of the request's transaction,
so a request that fails or is refused afterwards does not count.

The client address is `request.remote_addr`. Behind reverse proxies that is the proxy's
address, and every client would share one counter: set TRUSTED_PROXIES to the number of
proxies that append to X-Forwarded-For (`init_app` then applies werkzeug's ProxyFix).
IPv6 clients are counted by their /64 network, which one household or office gets whole.
"""

import hashlib
import hmac
import ipaddress
import math
from datetime import timedelta

from flask import Flask, current_app, request
from sqlalchemy import case, literal
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.middleware.proxy_fix import ProxyFix

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db
from .models import RateCount


class LimitReached(Exception):
    """A limit is reached; the form is accepted again after `retry_after` seconds."""

    def __init__(self, retry_after: int, contact: str | None = None):
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.contact = contact


def init_app(app: Flask) -> None:
    """Take the client address from X-Forwarded-For when TRUSTED_PROXIES says so."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)


def client_address() -> str:
    """Return the address a client is counted by: IPv4 as is, IPv6 as its /64 network."""
    address = request.remote_addr or "-"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def count(scope: str, key: str, limit: int, window: timedelta) -> None:
    """Add one use of `scope` by `key`; raise LimitReached if that exceeds `limit`."""
    moment = now()
    table = RateCount.__table__
    insert = (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    expired = table.c.window_start <= moment - window
    statement = (
        insert(table)
        .values(scope=scope, key_hash=_hash(scope, key), window_start=moment, hits=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key_hash],
            set_={
                "hits": case((expired, 1), else_=table.c.hits + 1),
                "window_start": case(
                    (expired, literal(moment, UTCDateTime())), else_=table.c.window_start
                ),
            },
        )
        .returning(table.c.hits, table.c.window_start)
    )
    hits, started = db.session.execute(statement).one()
    if hits > limit:
        raise LimitReached(math.ceil((started + window - moment).total_seconds()))


def _hash(scope: str, key: str) -> str:
    """Return the stored form of a key: an HMAC, so that no address is readable."""
    secret = current_app.secret_key.encode()
    return hmac.new(secret, f"{scope}\x00{key}".encode(), hashlib.sha256).hexdigest()
