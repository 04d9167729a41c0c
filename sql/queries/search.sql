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
-- The documents asked for, found through one index (the document, else the city, else the
-- dates), each way checking the rest on the rows it found: joining every candidate back to
-- `documents` walked each article's text to reach its date, 0.6 s for all dated documents.
found as materialized (
  select id from documents
  where coalesce(:document_id, '') != '' and id = :document_id
    and (coalesce(:city, '') = '' or report_city = :city)
    and (coalesce(:from, '') = '' or published_on >= :from)
    and (coalesce(:to, '') = '' or published_on <= :to)
  union all
  select id from documents
  where coalesce(:document_id, '') = '' and coalesce(:city, '') != '' and report_city = :city
    and (coalesce(:from, '') = '' or published_on >= :from)
    and (coalesce(:to, '') = '' or published_on <= :to)
  union all
  select id from documents
  where coalesce(:document_id, '') || coalesce(:city, '') = ''
    and coalesce(:from, '') || coalesce(:to, '') != ''
    and published_on >= coalesce(nullif(:from, ''), '')
    and published_on <= coalesce(nullif(:to, ''), '9999-12-31')
),
-- How each match is checked against them. Up to search_narrowed_by_paragraphs_at_most()
-- (3,000) documents: their paragraphs' ids, in a temporary index. Past that, building the index
-- costs more than looking each match's document up, which then mostly passes, so that enough
-- are found early (0.7 s -> 0.1 s for 平安 since 2016 at 100,000 documents; looking up every
-- match of 平安 in one year, instead, took 2.4 s).
checked as (
  select case
    when everywhere then 'nothing'
    when (select count(*) from found) <= search_narrowed_by_paragraphs_at_most() then 'paragraphs'
    else 'documents'
  end as how
  from asked
),
narrowed as materialized (
  select paragraphs.id from found cross join paragraphs on paragraphs.document_id = found.id
),
-- The full-text index is read only between the first and last of those paragraphs: one
-- document's search went from reading all 912,419 matches of 平安 to reading its own.
bounds as (
  select
    case when how = 'paragraphs' then coalesce((select min(id) from narrowed), 0) else 0 end
      as first,
    case when how = 'paragraphs' then coalesce((select max(id) from narrowed), 0)
      else 9223372036854775807 end as last
  from checked
),
-- At most search_ranked_at_most() (2,000) matches are ranked, the most recently loaded: at
-- 100,000 documents, ranking all 912,419 paragraphs that match 平安 took 0.7-0.8 s, and reading
-- the index until all 6,487 of them in one city were found 0.2-0.3 s (0.12 s for the newest
-- 2,000; a match costs a microsecond to rank, and every index entry read one more tenth to
-- check against the city). They are ranked outside the full-text table:
-- ordering by its `rank` inside would rank every match first. `approximate` says when some
-- were left unranked.
matched as materialized (
  select paragraphs_fts.rowid as id, paragraphs_fts.rank as rank
  from checked cross join paragraphs_fts
  where paragraphs_fts match fts_query(:q)
    and paragraphs_fts.rowid between (select first from bounds) and (select last from bounds)
    and (
      checked.how = 'nothing'
      or checked.how = 'paragraphs' and +paragraphs_fts.rowid in (select id from narrowed)
      or checked.how = 'documents'
        and (select document_id from paragraphs where paragraphs.id = paragraphs_fts.rowid)
          in (select id from found)
    )
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
