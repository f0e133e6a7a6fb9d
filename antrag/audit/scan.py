"""Read a large table in order, a batch at a time (the record checks walk whole tables)."""

from collections.abc import Iterator

from ..extensions import db


def in_order(query, key, batch_size: int = 1000) -> Iterator:
    """Yield the rows of `query` in the order of the unique column `key`, by keyset paging.

    `key` must be among the selected columns; each batch starts after the last key seen.
    """
    last = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = db.session.execute(page.order_by(key).limit(batch_size)).all()
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], key.key)
