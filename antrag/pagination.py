"""Pages of a long list whose exact length is not worth counting beyond a cap.

`db.paginate` counts every matching row on every page; over a hundred thousand cases that
count costs more than the page itself. A capped page counts at most `cap + 1` rows, says
"more than `cap`" beyond that, and learns whether a next page exists by fetching one row
more than it shows.
"""

from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import func, select

from .extensions import db


@dataclass(frozen=True)
class CappedPage:
    """One page of rows, with the total known exactly up to `cap`."""

    items: list
    page: int
    per_page: int
    total: int  # exact when `more` is false, otherwise `cap`
    more: bool  # more than `cap` rows match
    has_next: bool

    @property
    def pages(self) -> int | None:
        """The number of pages, or None when the total is only known to exceed the cap."""
        return None if self.more else max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def requested_page() -> int:
    """Return the `page` query argument as a positive number (1 when absent or bad)."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= 10**6 else 1


def capped_paginate(stmt, count_stmt, *, per_page: int, cap: int, rows: bool = False) -> CappedPage:
    """Return the requested page of `stmt`; `count_stmt` selects the same rows, unordered.

    The two statements are separate so that the count carries no eager loading or
    ordering, only the filters. With `rows`, the items are whole result rows rather than
    the first column's objects.
    """
    page = requested_page()
    counted = select(func.count()).select_from(count_stmt.limit(cap + 1).subquery())
    total = db.session.scalar(counted)
    paged = stmt.limit(per_page + 1).offset((page - 1) * per_page)
    items = list(db.session.execute(paged) if rows else db.session.scalars(paged))
    return CappedPage(
        items=items[:per_page],
        page=page,
        per_page=per_page,
        total=min(total, cap),
        more=total > cap,
        has_next=len(items) > per_page,
    )
