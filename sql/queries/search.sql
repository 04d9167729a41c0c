-- search: Search the paragraphs
-- Type Chinese as you would write it (视频监控, 两抢一盗, "社区民警"): the paragraphs that contain it,
-- best first, with the match marked, and the document's title, city and date. A word that names
-- a metric finds its other forms too (网格员: 网格管理员, 专兼职网格员); in "quotes" it is
-- searched alone. Narrow it to a city, a document or dates (from, to: 2016-01-31).
--
-- fts_query(), search_matches() and search_snippet() are SQL functions registered by
-- etl/search.py and the Datasette plugin: they cut the typed text with the same segmenter as
-- paragraphs.tokens, add the forms of a metric's name, and keep the paragraphs that hold each
-- typed phrase as it was typed. The best paragraphs are chosen first and only they get a snippet:
-- a common word matches tens of thousands of paragraphs, and a snippet for each took seconds.
-- search_is_exact() says when the index alone decides (every term one Chinese word), sparing
-- search_matches() a look at each candidate's text.
with best as (
  select paragraphs_fts.rowid as id, paragraphs_fts.rank as rank
  from paragraphs_fts
  where paragraphs_fts match fts_query(:q)
    and (
      search_is_exact(:q)
      or search_matches((select text from paragraphs where paragraphs.id = paragraphs_fts.rowid), :q)
    )
    and (
      coalesce(:city, '') = '' and coalesce(:from, '') = '' and coalesce(:to, '') = ''
      and coalesce(:document_id, '') = ''
      or exists (
        select 1 from paragraphs join documents on documents.id = paragraphs.document_id
        where paragraphs.id = paragraphs_fts.rowid
          and (coalesce(:city, '') = '' or documents.report_city = :city)
          and (coalesce(:from, '') = '' or documents.published_on >= :from)
          and (coalesce(:to, '') = '' or documents.published_on <= :to)
          and (coalesce(:document_id, '') = '' or documents.id = :document_id)
      )
    )
  order by paragraphs_fts.rank, paragraphs_fts.rowid
  limit cast(coalesce(nullif(:limit, ''), 100) as integer)
)
select
  documents.title,
  documents.report_city as city,
  documents.published_on,
  paragraphs.text,
  search_snippet(paragraphs.text, :q) as snippet,
  best.rank as rank,
  paragraphs.id,
  paragraphs.document_id,
  paragraphs.position
from best
  join paragraphs on paragraphs.id = best.id
  join documents on documents.id = paragraphs.document_id
order by best.rank, paragraphs.id
