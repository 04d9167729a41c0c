-- Counts kept in tables so that the views passing them through carry a declared type (an
-- aggregate in a view has none). Run after every load; portable SQL (SQLite and PostgreSQL).
UPDATE metrics SET
    city_count = (
        SELECT count(DISTINCT d.report_city)
        FROM indicators AS i JOIN documents AS d ON d.id = i.document_id
        WHERE i.metric = metrics.code
    ),
    document_count = (
        SELECT count(DISTINCT i.document_id) FROM indicators AS i WHERE i.metric = metrics.code
    ),
    indicator_count = (SELECT count(*) FROM indicators AS i WHERE i.metric = metrics.code);
