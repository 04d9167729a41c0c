-- city_profile: Everything one city claims
-- Choose a city (贵阳市, or its short form 贵阳) and see all its figures, metric by metric, each with
-- its measure, its period in years and the sentence it is from (claims with no metric last, with
-- the reason when there is one).
SELECT
    metric,
    metric_name_zh,
    subject,
    measure,
    value,
    unit,
    period_label,
    change_pct,
    change_abs,
    basis,
    kind,
    period,
    scope,
    is_target,
    why_unmapped,
    quote,
    title,
    published_on,
    document_id,
    paragraph_id
FROM indicator_facts
WHERE city = :city OR city = :city || '市'
ORDER BY metric IS NULL, metric, measure, period_resolved DESC, document_id, paragraph_id
