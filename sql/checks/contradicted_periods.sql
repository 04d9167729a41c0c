-- contradicted_periods: indicators whose period_resolved says the opposite of their dates: a
-- period with dates said not to be placed in time, or a written period without dates said to be
-- (etl/dating.py; empty period_resolved, not yet derived again after migration 0015, is no fault)
SELECT id AS indicator_id, period, period_start, period_resolved
FROM indicators
WHERE (period_start IS NOT NULL AND NOT period_resolved)
    OR (period IS NOT NULL AND period_start IS NULL AND period_resolved)
