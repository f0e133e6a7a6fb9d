"""The database's own full-text index over `search_document`, per dialect.

PostgreSQL: a GIN index over `to_tsvector('german', title || ' ' || body)`; the `german`
configuration stems ("Förderungen" and "Förderung" share the lexeme `forder`) and folds
umlauts in the stem. The index follows the rows by itself; queries use the same expression.

SQLite: an FTS5 table with external content (`search_fts`, content `search_document`),
tokenizer `unicode61 remove_diacritics 2` (case and diacritics folded: "Worth" finds
"Wörth"). SQLite has no German stemmer, so queries match word prefixes instead. Three
triggers keep the FTS table in step with every insert, update and delete of the rows,
whoever writes them.

These objects are not SQLAlchemy metadata: `include_name` keeps them out of Alembic's
comparison of models and schema.
"""

TSVECTOR = "to_tsvector('german', title || ' ' || body)"
PG_INDEX = "ix_search_document_fts"
FTS_TABLE = "search_fts"

POSTGRESQL_UP = [
    "CREATE INDEX ix_search_document_fts ON search_document "
    "USING gin (to_tsvector('german', title || ' ' || body))"
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS ix_search_document_fts"]

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def statements(dialect: str, *, up: bool) -> list[str]:
    """Return the DDL that creates (or drops) the full-text index on `dialect`."""
    if dialect == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    return []


def include_name(name, type_, _parent_names) -> bool:
    """Alembic filter: leave out the index objects owned by the database, not the models."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == PG_INDEX)
