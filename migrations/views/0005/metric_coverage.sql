-- metric_coverage: one row per canonical metric: how many cities and documents report it and how
-- many claims there are (counts kept up to date after each load, so they carry a declared type).
SELECT
    code AS metric,
    name_zh,
    name_en,
    family,
    kind,
    unit,
    city_count,
    document_count,
    indicator_count
FROM metrics
