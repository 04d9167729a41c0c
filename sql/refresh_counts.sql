-- Counts kept in tables so that the views passing them through carry a declared type (an
-- aggregate in a view has none). Run after every load that changed documents; portable SQL
-- (SQLite 3.35+ and PostgreSQL 12+).
-- One pass over the indicators, each one's city read from a small copy of (id, report_city):
-- documents' rows hold the articles' text, and reading report_city from them for every
-- indicator, metric by metric, took 8 s at 50,000 documents (now 2.5 s).
-- The indicators are read from the index on (metric, document_id) alone, metric by metric:
-- CROSS JOIN keeps SQLite from starting at the documents (which its statistics suggest) and
-- looking up each one's indicators in the table: 1.4-1.6 s instead of 2.7-3.6 s at 100,000
-- documents (migration 0012).
UPDATE metrics SET city_count = 0, document_count = 0, indicator_count = 0;
WITH document_cities AS MATERIALIZED (SELECT id, report_city FROM documents)
UPDATE metrics SET
    city_count = counted.city_count,
    document_count = counted.document_count,
    indicator_count = counted.indicator_count
FROM (
    SELECT
        i.metric,
        count(DISTINCT d.report_city) AS city_count,
        count(DISTINCT i.document_id) AS document_count,
        count(*) AS indicator_count
    FROM indicators AS i
    CROSS JOIN document_cities AS d
    WHERE d.id = i.document_id AND i.metric IS NOT NULL
    GROUP BY i.metric
) AS counted
WHERE counted.metric = metrics.code;
