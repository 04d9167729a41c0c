-- compare_metric: Compare cities on one metric
-- Choose a metric code (criminal_cases, surveillance_cameras, grid_workers ... see metric_coverage)
-- and, if you like, a measure (stock, added, events, rate, amount), and see the figure every city
-- reports for it, measure by measure (totals apart from additions), with its period in years,
-- its scope and the sentence it is from. Undated figures come after the dated ones.
SELECT
    metric_name_zh,
    city,
    scope,
    measure,
    value,
    approx,
    unit,
    period_label,
    change_pct,
    change_abs,
    basis,
    quote,
    document_id,
    paragraph_id,
    title,
    published_on,
    place_level,
    kind,
    is_target,
    period_resolved
FROM metric_comparison
WHERE metric = :metric AND (:measure = '' OR measure = :measure)
ORDER BY measure, period_resolved DESC, place_level, kind, city, period_end DESC
