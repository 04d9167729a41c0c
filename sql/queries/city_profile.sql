-- city_profile: Everything one city claims
-- Choose a city (贵阳市, or its short form 贵阳) and see all its figures, metric by metric, each with
-- its period and the sentence it is from.
SELECT
    metric,
    metric_name_zh,
    subject,
    kind,
    value,
    unit,
    change_pct,
    basis,
    period,
    scope,
    is_target,
    quote,
    title,
    published_on,
    document_id,
    paragraph_id
FROM indicator_facts
WHERE city = :city OR city = :city || '市'
ORDER BY metric IS NULL, metric, document_id, paragraph_id
