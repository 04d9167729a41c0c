-- Paragraphs that match what a user typed, best first (bm25), the match highlighted in a snippet.
-- fts_query() and search_snippet() are registered by etl/search.py (CLI) and etl/datasette_plugin.py
-- (Datasette): they cut the typed text with the same segmenter as paragraphs.tokens.
select
  documents.title,
  documents.city,
  documents.published_on,
  paragraphs.text,
  search_snippet(paragraphs.text, :q) as snippet,
  paragraphs_fts.rank as rank,
  paragraphs.id,
  paragraphs.document_id,
  paragraphs.position
from paragraphs_fts
  join paragraphs on paragraphs.id = paragraphs_fts.rowid
  join documents on documents.id = paragraphs.document_id
where paragraphs_fts match fts_query(:q)
order by paragraphs_fts.rank, paragraphs.id
limit cast(coalesce(nullif(:limit, ''), 100) as integer)
