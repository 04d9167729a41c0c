-- metric_coverage: one row per canonical metric: how many cities and documents report it and how
-- many claims there are (counts kept up to date after each load, so they carry a declared type),
-- and the broader metric it belongs under (parent), if any.
SELECT
    code AS metric,
    name_zh,
    name_en,
    parent,
    family,
    kind,
    unit,
    city_count,
    document_count,
    indicator_count
FROM metrics
