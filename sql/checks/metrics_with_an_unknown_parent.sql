-- metrics_with_an_unknown_parent: metrics whose parent is no metric (metrics.parent has no
-- foreign key, so that a copy may write the metrics in any order)
SELECT m.code AS metric, m.parent
FROM metrics AS m
WHERE m.parent IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM metrics AS p WHERE p.code = m.parent)
