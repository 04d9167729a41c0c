-- compare_metric: Compare cities on one metric
-- Choose a metric code (criminal_cases, surveillance_cameras, grid_workers ... see metric_coverage)
-- and see the figure every city reports for it, with its period, scope and the sentence it is from.
SELECT
    city,
    province,
    period,
    place_level,
    scope,
    kind,
    value,
    unit,
    change_pct,
    basis,
    approx,
    is_target,
    quote,
    title,
    published_on,
    document_id,
    paragraph_id
FROM metric_comparison
WHERE metric = :metric
ORDER BY place_level, kind, city, period_end DESC
