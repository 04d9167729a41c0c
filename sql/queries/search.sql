-- search: Search the paragraphs
-- Type Chinese as you would write it (视频监控, 两抢一盗, "社区民警"): the paragraphs that contain it,
-- best first, with the match marked, and the document's title, city and date. A word that names
-- a metric finds its other forms too (网格员: 网格管理员, 专兼职网格员); in "quotes" it is
-- searched alone. Narrow it to a city, a document or dates (from, to: 2016-01-31).
--
-- fts_query(), search_matches() and search_snippet() are SQL functions registered by
-- etl/search.py and the Datasette plugin: they cut the typed text with the same segmenter as
-- paragraphs.tokens, add the forms of a metric's name, and keep the paragraphs that hold each
-- typed phrase as it was typed. search_is_exact() says when the index alone decides (every form
-- one Chinese word), sparing search_matches() a look at each candidate's text.
-- The candidates in the city, document or dates asked for are ranked (bm25), and only then
-- checked by search_matches(), best first, until there are enough: a metric's forms (several
-- words each) made checking every candidate three times as slow as ranking them. When the index
-- decides, only the best are kept while ranking. Only the best get a snippet: a common word
-- matches tens of thousands of paragraphs, and a snippet for each took seconds.
with asked as (
  select
    search_is_exact(:q) as exact,
    coalesce(:city, '') || coalesce(:from, '') || coalesce(:to, '')
      || coalesce(:document_id, '') = '' as everywhere,
    cast(coalesce(nullif(:limit, ''), 100) as integer) as wanted
),
-- A city, document or dates are applied first: their paragraphs' ids, in a temporary index that
-- each match is checked against. Letting SQLite look the narrowing up for each match instead took
-- 2.1-2.6 s for 平安 in one city or one year at 100,000 documents (it matches 912,419 paragraphs).
-- The documents are found through one index (the document, else the city, else the dates): a
-- scan of the documents reads every article's text and took 0.6 s.
narrowed as materialized (
  select paragraphs.id
  from (
    select id from documents where coalesce(:document_id, '') != '' and id = :document_id
    union all
    select id from documents
    where coalesce(:document_id, '') = '' and coalesce(:city, '') != '' and report_city = :city
    union all
    select id from documents
    where coalesce(:document_id, '') || coalesce(:city, '') = ''
      and published_on >= coalesce(nullif(:from, ''), '')
      and published_on <= coalesce(nullif(:to, ''), '9999-12-31')
  ) as found
    cross join documents on documents.id = found.id
    cross join paragraphs on paragraphs.document_id = documents.id
  where (coalesce(:city, '') = '' or documents.report_city = :city)
    and (coalesce(:from, '') = '' or documents.published_on >= :from)
    and (coalesce(:to, '') = '' or documents.published_on <= :to)
),
-- At most search_ranked_at_most() (30,000) matches are ranked, the most recently loaded: ranking
-- all 912,419 paragraphs that match 平安 took 0.7-0.8 s at 100,000 documents, and all 353,957 of
-- them in dated documents 1.4 s. They are ranked outside the full-text table: ordering by its
-- `rank` inside would rank every match first. `approximate` says when some were left unranked.
matched as materialized (
  select paragraphs_fts.rowid as id, paragraphs_fts.rank as rank
  from paragraphs_fts
  where paragraphs_fts match fts_query(:q)
    and ((select everywhere from asked) or +paragraphs_fts.rowid in (select id from narrowed))
  order by paragraphs_fts.rowid desc
  limit search_ranked_at_most() + 1
),
beyond as (
  select count(*) > search_ranked_at_most() as approximate, min(id) as oldest from matched
),
ranked as (
  select id, rank from matched
  where not (select approximate from beyond) or id > (select oldest from beyond)
  order by rank, id
  limit (select case when exact then wanted else -1 end from asked)
),
best as (
  select ranked.id, ranked.rank
  from ranked
  where (select exact from asked)
    or search_matches((select text from paragraphs where paragraphs.id = ranked.id), :q)
  limit (select wanted from asked)
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
  paragraphs.position,
  (select approximate from beyond) as approximate
from best
  join paragraphs on paragraphs.id = best.id
  join documents on documents.id = paragraphs.document_id
order by best.rank, paragraphs.id
