-- half_dated_indicators: indicators with a period start and no end, or an end and no start (a
-- period has both dates or neither; claim_conflicts pairs undated claims on that)
SELECT id AS indicator_id, period, period_start, period_end
FROM indicators
WHERE (period_start IS NULL) <> (period_end IS NULL)
