-- metric_comparison: one row per (metric, city, period) figure: what each city reports for a
-- metric over a period, at city level or for a place below the city (place_level, scope), with the
-- quote and document it comes from. When several documents report the same figure, the most
-- recently published one is shown. Filter on one metric to line the cities up side by side.
-- The latest figure is chosen on the keys alone, and only the chosen indicators are joined to
-- their quotes and titles: sorting whole rows made refilling the comparison a third slower. The
-- city comes from the choosing, so that a filter on it (a load refilling a few) reaches there.
-- An undated document is the least recent on PostgreSQL too (NULLS LAST; SQLite's default).
WITH latest AS (
    SELECT
        i.id AS indicator_id,
        d.report_city AS city,
        ROW_NUMBER() OVER (
            PARTITION BY i.metric, d.report_city, i.scope, i.period, i.kind, i.basis, i.bound,
                i.is_target
            ORDER BY d.published_on DESC NULLS LAST, i.document_id DESC, i.id
        ) AS recency
    FROM indicators AS i
    JOIN documents AS d ON d.id = i.document_id
    WHERE i.metric IS NOT NULL AND d.report_city IS NOT NULL
)
SELECT
    f.metric,
    f.metric_name_zh,
    f.metric_name_en,
    latest.city,
    f.province,
    f.period,
    f.period_start,
    f.period_end,
    f.place_level,
    f.scope,
    f.kind,
    f.value,
    f.unit,
    f.change_pct,
    f.change_pp,
    f.direction,
    f.basis,
    f.approx,
    f.is_target,
    f.bound,
    f.subject,
    f.quote,
    f.title,
    f.published_on,
    f.document_id,
    f.paragraph_id,
    f.indicator_id
FROM latest
JOIN indicator_facts AS f ON f.indicator_id = latest.indicator_id
WHERE latest.recency = 1
