-- indicator_facts: one row per indicator (one quantitative claim), with its document's place and
-- date and its metric's names, ready to filter, facet and export. Its measure says what kind of
-- quantity it is (a stock, an addition, events...), period_label when it holds in words a reader
-- can line up (a year, not 去年), and period_resolved whether it can be placed in time at all.
SELECT
    i.id AS indicator_id,
    i.document_id,
    i.paragraph_id,
    d.title,
    d.report_city AS city,
    d.province,
    d.published_on,
    d.date_source,
    i.metric,
    m.name_zh AS metric_name_zh,
    m.name_en AS metric_name_en,
    m.parent AS metric_parent,
    i.why_unmapped,
    i.subject,
    i.measure,
    i.value,
    i.unit,
    i.kind,
    i.change_pct,
    i.change_pp,
    i.change_abs,
    i.direction,
    i.basis,
    i.period,
    i.period_start,
    i.period_end,
    i.period_resolved,
    i.period_label,
    i.approx,
    i.scope,
    i.place_level,
    i.is_target,
    i.bound,
    i.quote
FROM indicators AS i
JOIN documents AS d ON d.id = i.document_id
LEFT JOIN metrics AS m ON m.code = i.metric
