"""Running a search on the database's own full-text index, safe for any user input.

PostgreSQL parses the query with `websearch_to_tsquery('german', …)`, which accepts any
text (quotes, `-`, `or`, parentheses) without a syntax error. SQLite's FTS5 query syntax
is strict, so the input is reduced to its words, each quoted as a prefix term ("digi"*),
all of which must occur. An Aktenzeichen (`DS-2026-0007`, or a part of it) is also found
by its stored reference directly.
"""

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup
from sqlalchemy import case, column, false, func, literal_column, null, or_, select, table

from ..extensions import db
from ..input_text import ONE_LINE_REFUSED_CLASS
from .models import KINDS, SearchDocument
from .schema import FTS_TABLE, TSVECTOR

NOT_SEARCHABLE = re.compile(f"[{ONE_LINE_REFUSED_CLASS}]")
WORD = re.compile(r"\w+", re.UNICODE)
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,19}$")
MAX_QUERY = 200  # characters; a longer input is cut, not refused
MAX_TERMS = 12
START, STOP = "\x02", "\x03"  # highlight markers no stored text contains


@dataclass(frozen=True)
class Hit:
    """One found record: its document and a highlighted snippet (safe HTML)."""

    document: SearchDocument
    snippet: Markup


def clean_query(raw: str | None) -> str:
    """Return the typed query as one line of at most MAX_QUERY characters (control
    characters, which PostgreSQL cannot even receive in the case of NUL, become spaces)."""
    return " ".join(NOT_SEARCHABLE.sub(" ", raw or "").split())[:MAX_QUERY]


def fts5_query(query: str) -> str | None:
    """Return an FTS5 expression of the words of `query` as prefix terms, or None."""
    words = WORD.findall(query)[:MAX_TERMS]
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)  # \w+ holds no quote: nothing to escape


def reference_pattern(query: str) -> str | None:
    """Return a LIKE pattern for an Aktenzeichen (or part of one) typed as the query."""
    stripped = query.strip()
    if not REFERENCE.match(stripped) or not any(c.isdigit() for c in stripped):
        return None
    return f"%{stripped.upper()}%"  # letters, digits and '-' only: no LIKE wildcards


def _visible(stmt, sees_internal: bool):
    stmt = stmt.where(SearchDocument.ministry_visible.is_(True))
    if not sees_internal:
        stmt = stmt.where(SearchDocument.internal.is_(False))
    return stmt


def _match(dialect: str, query: str):
    """Return (filter, rank, snippet) expressions for `query` on `dialect`."""
    pattern = reference_pattern(query)
    by_reference = (
        func.upper(SearchDocument.reference).like(pattern) if pattern is not None else false()
    )
    if dialect == "postgresql":
        tsquery = func.websearch_to_tsquery(literal_column("'german'"), query)
        vector = literal_column(TSVECTOR)
        rank = func.ts_rank(vector, tsquery)
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
        snippet = func.ts_headline(
            literal_column("'german'"), SearchDocument.body, tsquery, options
        )
        return or_(vector.op("@@")(tsquery), by_reference), rank, snippet
    expression = fts5_query(query)
    if expression is None:
        return by_reference, null(), SearchDocument.body
    fts = table(FTS_TABLE, column("rowid"))
    found_in_fts = literal_column(FTS_TABLE).op("MATCH")(expression)
    matched = SearchDocument.id.in_(select(fts.c.rowid).where(found_in_fts))
    # bm25() is smaller for better matches; negated, it sorts like ts_rank.
    rank = (
        select(-func.bm25(literal_column(FTS_TABLE)))
        .select_from(fts)
        .where(found_in_fts, fts.c.rowid == SearchDocument.id)
        .scalar_subquery()
    )
    # FTS5's snippet() needs the FTS table in the FROM clause; the page is small, so the
    # excerpt around the first word found is cut in Python instead.
    return or_(matched, by_reference), rank, SearchDocument.body


def counts(query: str, *, sees_internal: bool) -> dict[str, int]:
    """Return how many visible documents of each kind match `query`."""
    condition, _rank, _snippet = _match(db.engine.dialect.name, query)
    stmt = _visible(
        select(SearchDocument.kind, func.count()).where(condition), sees_internal
    ).group_by(SearchDocument.kind)
    found = dict(db.session.execute(stmt).all())
    return {kind: found[kind] for kind in KINDS if found.get(kind)}


def search(query: str, *, kind: str | None, sees_internal: bool, offset: int, limit: int):
    """Return up to `limit` hits from `offset`, grouped by kind, best match first."""
    dialect = db.engine.dialect.name
    condition, rank, snippet = _match(dialect, query)
    order = [
        _kind_order(),
        rank.desc().nulls_last(),
        SearchDocument.updated_at.desc(),
        SearchDocument.id,
    ]
    stmt = _visible(
        select(SearchDocument, snippet.label("snippet")).where(condition), sees_internal
    )
    if kind is not None:
        stmt = stmt.where(SearchDocument.kind == kind)
    rows = db.session.execute(stmt.order_by(*order).offset(offset).limit(limit)).all()
    if dialect == "postgresql":
        return [Hit(doc, highlight(text_)) for doc, text_ in rows]
    return [Hit(doc, excerpt(doc.body, query)) for doc, _text in rows]


def _kind_order():
    return case({k: i for i, k in enumerate(KINDS)}, value=SearchDocument.kind)


def highlight(marked: str) -> Markup:
    """Escape a snippet and turn the database's markers into <mark> elements."""
    safe = escape(marked or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return Markup(safe)  # noqa: S704 (escaped above; only the markers become tags)


def excerpt(body: str, query: str, width: int = 160) -> Markup:
    """Return an excerpt of `body` around the first word of `query` it holds, marked."""
    words = [w.casefold() for w in WORD.findall(query)[:MAX_TERMS]]
    folded = body.casefold()
    positions = [folded.find(w) for w in words if folded.find(w) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    part = body[start : start + width]
    pattern = "|".join(re.escape(w) for w in words if w)
    if pattern:
        part = re.sub(f"({pattern})", f"{START}\\1{STOP}", part, flags=re.IGNORECASE)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(body) else ""
    return highlight(prefix + part + suffix)
