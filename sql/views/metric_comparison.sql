-- metric_comparison: one row per (metric, measure, city, period) figure: what each city reports
-- for a metric over a period, read left to right as a reader asks: the metric, the city (and the
-- place below it the figure is about, if any), what kind of quantity it is (measure: a stock, an
-- addition, events...), the value, the period (period_label names it in years; undated figures
-- say so and have period_resolved 0), the change and its basis, then the quote and where it is.
-- Two measures never share a row's key: filter on a metric and a measure to line the cities up.
-- A change is a row of kind change, beside a level of the same period, never in its place; a
-- change in percent, in percentage points and in the unit itself (change_abs: 减少832起) are
-- three rows, told apart by their unit.
-- When several documents report the same figure, the most recently published one is shown, an
-- undated document last (NULLS LAST: PostgreSQL sorts NULL first otherwise). Figures an article
-- cites for a place that is not its own (place_level other than city or sub_city) are left out.
-- The latest figure is chosen on the keys alone, and only the chosen indicators are joined to
-- their quotes and titles: sorting whole rows made refilling the comparison a third slower. The
-- city comes from the choosing, so that a filter on it (a load refilling a few) reaches there.
WITH latest AS (
    SELECT
        i.id AS indicator_id,
        d.report_city AS city,
        ROW_NUMBER() OVER (
            PARTITION BY i.metric, i.measure, d.report_city, i.scope, i.period, i.kind, i.basis,
                i.bound, i.is_target, CASE WHEN i.kind = 'change' THEN i.unit END
            ORDER BY d.published_on DESC NULLS LAST, i.document_id DESC, i.id
        ) AS recency
    FROM indicators AS i
    JOIN documents AS d ON d.id = i.document_id
    WHERE i.metric IS NOT NULL AND d.report_city IS NOT NULL
        AND i.place_level IN ('city', 'sub_city')
)
SELECT
    f.metric,
    f.metric_name_zh,
    latest.city,
    f.scope,
    f.measure,
    f.value,
    f.approx,
    f.unit,
    f.period_label,
    f.period,
    f.period_start,
    f.period_end,
    f.period_resolved,
    f.change_pct,
    f.change_pp,
    f.change_abs,
    f.direction,
    f.basis,
    f.quote,
    f.document_id,
    f.paragraph_id,
    f.title,
    f.published_on,
    f.date_source,
    f.province,
    f.place_level,
    f.kind,
    f.is_target,
    f.bound,
    f.subject,
    f.metric_name_en,
    f.metric_parent,
    f.indicator_id
FROM latest
JOIN indicator_facts AS f ON f.indicator_id = latest.indicator_id
WHERE latest.recency = 1
