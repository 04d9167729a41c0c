"""The SQL that differs between SQLite and PostgreSQL, all in this one place.

Both backends index the same thing: `paragraphs.tokens`, the space-separated jieba segmentation of a
paragraph. SQLite uses an FTS5 table kept in step by triggers (the layout sqlite-utils makes, which
Datasette detects); PostgreSQL uses a GIN index over `to_tsvector('simple', tokens)`.
"""

from __future__ import annotations

FULLTEXT_CREATE = {
    "sqlite": [
        'CREATE VIRTUAL TABLE paragraphs_fts USING FTS5 (tokens, content="paragraphs")',
        """CREATE TRIGGER paragraphs_ai AFTER INSERT ON paragraphs BEGIN
  INSERT INTO paragraphs_fts (rowid, tokens) VALUES (new.rowid, new.tokens);
END""",
        """CREATE TRIGGER paragraphs_ad AFTER DELETE ON paragraphs BEGIN
  INSERT INTO paragraphs_fts (paragraphs_fts, rowid, tokens)
    VALUES ('delete', old.rowid, old.tokens);
END""",
        """CREATE TRIGGER paragraphs_au AFTER UPDATE ON paragraphs BEGIN
  INSERT INTO paragraphs_fts (paragraphs_fts, rowid, tokens)
    VALUES ('delete', old.rowid, old.tokens);
  INSERT INTO paragraphs_fts (rowid, tokens) VALUES (new.rowid, new.tokens);
END""",
        "INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        "CREATE INDEX ix_paragraphs_tokens_fts ON paragraphs"
        " USING gin (to_tsvector('simple', coalesce(tokens, '')))",
    ],
}

FULLTEXT_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS paragraphs_au",
        "DROP TRIGGER IF EXISTS paragraphs_ad",
        "DROP TRIGGER IF EXISTS paragraphs_ai",
        "DROP TABLE IF EXISTS paragraphs_fts",
    ],
    "postgresql": ["DROP INDEX IF EXISTS ix_paragraphs_tokens_fts"],
}

# Full-text search on PostgreSQL: the same tokens, matched with a tsquery built by
# etl.search.tsquery() (SQLite's is sql/queries/search.sql, also Datasette's canned query).
SEARCH_POSTGRESQL = """
SELECT
  d.title, d.report_city AS city, d.published_on, p.text,
  ts_rank(to_tsvector('simple', coalesce(p.tokens, '')), q) AS rank,
  p.id, p.document_id, p.position
FROM paragraphs AS p
  JOIN documents AS d ON d.id = p.document_id,
  to_tsquery('simple', :tsquery) AS q
WHERE to_tsvector('simple', coalesce(p.tokens, '')) @@ q
ORDER BY rank DESC, p.id
"""
