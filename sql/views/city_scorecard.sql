-- city_scorecard: one row per city, with its headline figures side by side, each with the period
-- it covers: change in criminal cases, property crimes and telecom fraud cases (percent), and the
-- number of surveillance cameras, grid workers and community police, the dispute resolution rate
-- and the public's sense of safety (percent). City-level, non-target claims; for each metric the
-- one covering the latest period (then the latest published).
WITH cities AS (
    SELECT DISTINCT city, province FROM metric_comparison
),
headline AS (
    SELECT * FROM (
        SELECT
            m.*,
            ROW_NUMBER() OVER (
                PARTITION BY m.metric, m.kind = 'change', m.city
                ORDER BY m.period_end DESC NULLS LAST, m.published_on DESC NULLS LAST,
                    m.indicator_id
            ) AS latest
        FROM metric_comparison AS m
        WHERE m.place_level = 'city' AND NOT m.is_target AND m.bound IS NULL
    ) AS ranked
    WHERE latest = 1
),
changes AS (SELECT * FROM headline WHERE kind = 'change'),
levels AS (SELECT * FROM headline WHERE kind <> 'change')
SELECT
    c.city,
    c.province,
    cc.change_pct AS criminal_cases_change_pct,
    cc.period AS criminal_cases_period,
    pc.change_pct AS property_crimes_change_pct,
    pc.period AS property_crimes_period,
    tf.change_pct AS telecom_fraud_cases_change_pct,
    tf.period AS telecom_fraud_cases_period,
    sc.value AS surveillance_cameras,
    sc.period AS surveillance_cameras_period,
    gw.value AS grid_workers,
    gw.period AS grid_workers_period,
    cp.value AS community_police,
    cp.period AS community_police_period,
    dr.value AS dispute_resolution_rate_pct,
    dr.period AS dispute_resolution_rate_period,
    ps.value AS public_safety_sense_pct,
    ps.period AS public_safety_sense_period
FROM cities AS c
LEFT JOIN changes AS cc ON cc.city = c.city AND cc.metric = 'criminal_cases'
LEFT JOIN changes AS pc ON pc.city = c.city AND pc.metric = 'property_crimes'
LEFT JOIN changes AS tf ON tf.city = c.city AND tf.metric = 'telecom_fraud_cases'
LEFT JOIN levels AS sc ON sc.city = c.city AND sc.metric = 'surveillance_cameras'
LEFT JOIN levels AS gw ON gw.city = c.city AND gw.metric = 'grid_workers'
LEFT JOIN levels AS cp ON cp.city = c.city AND cp.metric = 'community_police'
LEFT JOIN levels AS dr ON dr.city = c.city AND dr.metric = 'dispute_resolution_rate'
LEFT JOIN levels AS ps ON ps.city = c.city AND ps.metric = 'public_safety_sense'
