-- city_scorecard: one row per city, with its headline figures side by side, each cell with its
-- measure and its period in years (period_label: 2021年, not 去年; an undated figure says
-- 未注明日期): the change in criminal cases (发案, or when the city gives none 立案 then 警情: one
-- family, the cell names which), property crimes and telecom fraud cases (percent, of events),
-- the number of surveillance cameras, grid workers and community police (stocks: how many there
-- are, never how many were added), the dispute resolution rate and the public's sense of safety
-- (percent). City-level, non-target claims; for each headline the one covering the latest
-- period (a figure without one holds as of its publication), figures that cannot be placed in
-- time (period_resolved 0) last, then the latest published, then the headline's own metric
-- before its relatives. The change cells are percentages: a change in the unit itself (减少832起,
-- change_abs) says nothing of a city beside another, and never fills one.
WITH cities AS (
    SELECT DISTINCT city, province FROM metric_comparison
),
headlines (headline, metric, preference, measure, is_change) AS (
    VALUES
        ('criminal_cases', 'criminal_cases', 1, 'events', 1),
        ('criminal_cases', 'criminal_cases_filed', 2, 'events', 1),
        ('criminal_cases', 'criminal_incidents_reported', 3, 'events', 1),
        ('property_crimes', 'property_crimes', 1, 'events', 1),
        ('telecom_fraud_cases', 'telecom_fraud_cases', 1, 'events', 1),
        ('surveillance_cameras', 'surveillance_cameras', 1, 'stock', 0),
        ('grid_workers', 'grid_workers', 1, 'stock', 0),
        ('community_police', 'community_police', 1, 'stock', 0),
        ('dispute_resolution_rate', 'dispute_resolution_rate', 1, 'rate', 0),
        ('public_safety_sense', 'public_safety_sense', 1, 'rate', 0)
),
latest AS (
    SELECT * FROM (
        SELECT
            h.headline,
            m.*,
            ROW_NUMBER() OVER (
                PARTITION BY h.headline, m.city
                ORDER BY m.period_resolved DESC NULLS LAST,
                    coalesce(m.period_end, m.published_on) DESC NULLS LAST,
                    m.published_on DESC NULLS LAST, h.preference, m.indicator_id
            ) AS recency
        FROM metric_comparison AS m
        JOIN headlines AS h
            ON h.metric = m.metric
            AND h.measure = m.measure
            AND h.is_change = CASE WHEN m.kind = 'change' THEN 1 ELSE 0 END
            AND (h.is_change = 0 OR m.change_pct IS NOT NULL)
        WHERE m.place_level = 'city' AND NOT m.is_target AND m.bound IS NULL
    ) AS ranked
    WHERE recency = 1
)
SELECT
    c.city,
    c.province,
    cc.change_pct AS criminal_cases_change_pct,
    cc.metric_name_zh AS criminal_cases_metric,
    cc.measure AS criminal_cases_measure,
    cc.period_label AS criminal_cases_period,
    pc.change_pct AS property_crimes_change_pct,
    pc.measure AS property_crimes_measure,
    pc.period_label AS property_crimes_period,
    tf.change_pct AS telecom_fraud_cases_change_pct,
    tf.measure AS telecom_fraud_cases_measure,
    tf.period_label AS telecom_fraud_cases_period,
    sc.value AS surveillance_cameras,
    sc.measure AS surveillance_cameras_measure,
    sc.period_label AS surveillance_cameras_period,
    gw.value AS grid_workers,
    gw.measure AS grid_workers_measure,
    gw.period_label AS grid_workers_period,
    cp.value AS community_police,
    cp.measure AS community_police_measure,
    cp.period_label AS community_police_period,
    dr.value AS dispute_resolution_rate_pct,
    dr.measure AS dispute_resolution_rate_measure,
    dr.period_label AS dispute_resolution_rate_period,
    ps.value AS public_safety_sense_pct,
    ps.measure AS public_safety_sense_measure,
    ps.period_label AS public_safety_sense_period
FROM cities AS c
LEFT JOIN latest AS cc ON cc.city = c.city AND cc.headline = 'criminal_cases'
LEFT JOIN latest AS pc ON pc.city = c.city AND pc.headline = 'property_crimes'
LEFT JOIN latest AS tf ON tf.city = c.city AND tf.headline = 'telecom_fraud_cases'
LEFT JOIN latest AS sc ON sc.city = c.city AND sc.headline = 'surveillance_cameras'
LEFT JOIN latest AS gw ON gw.city = c.city AND gw.headline = 'grid_workers'
LEFT JOIN latest AS cp ON cp.city = c.city AND cp.headline = 'community_police'
LEFT JOIN latest AS dr ON dr.city = c.city AND dr.headline = 'dispute_resolution_rate'
LEFT JOIN latest AS ps ON ps.city = c.city AND ps.headline = 'public_safety_sense'
