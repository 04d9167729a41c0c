-- place_map: one row per document, at the place it is about, with that place's coordinates, so a
-- map shows every place the corpus covers (documents about one place cluster on one point); a
-- point's popup links to its city's profile.
SELECT
    d.id AS document_id,
    d.title,
    p.code AS place_code,
    p.name AS place_name,
    p.level AS place_level,
    d.report_city AS city,
    d.province,
    d.published_on,
    p.latitude,
    p.longitude,
    p.popup
FROM documents AS d
JOIN places AS p ON p.code = d.place_code
