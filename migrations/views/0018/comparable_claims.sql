-- comparable_claims: one row per claim that can be set against others: it has a canonical metric
-- and a measure, its document a city, and it is about that city or a place below it (a figure
-- cited for another place is no claim of the city's). The keys that claim_conflicts pairs claims
-- on, materialised with an index on them, so that pairing reads one city's claims at a time and
-- a load that touched a few cities refills only theirs. A change's unit says what it is counted
-- in: percent, percentage points, or the unit itself (减少832起).
SELECT
    i.id AS indicator_id,
    i.document_id,
    d.report_city AS city,
    i.metric,
    i.measure,
    i.kind,
    i.is_target,
    i.scope,
    i.basis,
    i.bound,
    i.period,
    i.period_start,
    i.period_end,
    i.subject,
    i.value,
    i.unit,
    i.approx,
    i.change_pct,
    i.direction
FROM indicators AS i
JOIN documents AS d ON d.id = i.document_id
WHERE i.metric IS NOT NULL AND i.measure IS NOT NULL AND d.report_city IS NOT NULL
    AND i.place_level IN ('city', 'sub_city')
