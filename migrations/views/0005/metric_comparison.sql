-- metric_comparison: one row per (metric, city, period) figure: what each city reports for a
-- metric over a period, at city level or for a place below the city (place_level, scope), with the
-- quote and document it comes from. When several documents report the same figure, the most
-- recently published one is shown. Filter on one metric to line the cities up side by side.
SELECT
    metric,
    metric_name_zh,
    metric_name_en,
    city,
    province,
    period,
    period_start,
    period_end,
    place_level,
    scope,
    kind,
    value,
    unit,
    change_pct,
    change_pp,
    direction,
    basis,
    approx,
    is_target,
    bound,
    subject,
    quote,
    title,
    published_on,
    document_id,
    paragraph_id,
    indicator_id
FROM (
    SELECT
        f.*,
        ROW_NUMBER() OVER (
            PARTITION BY f.metric, f.city, f.scope, f.period, f.kind, f.basis, f.bound, f.is_target
            ORDER BY f.published_on DESC, f.document_id DESC, f.indicator_id
        ) AS recency
    FROM indicator_facts AS f
    WHERE f.metric IS NOT NULL AND f.city IS NOT NULL
) AS ranked
WHERE recency = 1
