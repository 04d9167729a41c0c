-- metric_family_comparison: one row per figure of metric_comparison and family it belongs to: a
-- metric's family is the metric itself and every sub-type or near relative below it (metrics'
-- parent), so 刑事立案数 and 刑事警情 figures are listed under 刑事案件 beside its own, a theft
-- figure under 两抢一盗 and under 刑事案件. Each row is labelled twice: the family it is listed
-- under (family_metric, family_name_zh) and its own metric and name, which it keeps: nothing is
-- summed or merged. Filter on family_metric and a measure to see a family side by side.
-- Materialised like metric_comparison, and refilled after it, city by city.
WITH RECURSIVE family (family_metric, metric) AS (
    SELECT code, code FROM metrics
    UNION
    SELECT family.family_metric, sub.code
    FROM family
    JOIN metrics AS sub ON sub.parent = family.metric
)
SELECT
    family.family_metric,
    head.name_zh AS family_name_zh,
    c.metric,
    c.metric_name_zh,
    c.city,
    c.scope,
    c.measure,
    c.value,
    c.approx,
    c.unit,
    c.period_label,
    c.period,
    c.period_start,
    c.period_end,
    c.period_resolved,
    c.change_pct,
    c.change_pp,
    c.change_abs,
    c.direction,
    c.basis,
    c.quote,
    c.document_id,
    c.paragraph_id,
    c.title,
    c.published_on,
    c.province,
    c.place_level,
    c.kind,
    c.is_target,
    c.bound,
    c.indicator_id
FROM family
JOIN metrics AS head ON head.code = family.family_metric
JOIN metric_comparison AS c ON c.metric = family.metric
