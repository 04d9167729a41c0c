-- search: Search the paragraphs
-- Type Chinese as you would write it (视频监控, 两抢一盗, "社区民警"): the paragraphs that contain it,
-- best first (bm25), with the match highlighted, and the document's title, city and date.
-- (fts_query(), search_matches() and search_snippet() are SQL functions registered by
-- etl/search.py and the Datasette plugin: they cut the typed text with the same segmenter as
-- paragraphs.tokens, and keep the paragraphs that hold each typed phrase as it was typed.)
select
  documents.title,
  documents.report_city as city,
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
  and search_matches(paragraphs.text, :q)
order by paragraphs_fts.rank, paragraphs.id
limit cast(coalesce(nullif(:limit, ''), 100) as integer)
