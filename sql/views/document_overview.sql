-- document_overview: one row per document: its metadata, how many paragraphs and indicators it
-- has, and its top keywords (counts and keywords are computed when the document is loaded).
SELECT
    id AS document_id,
    title,
    report_city AS city,
    province,
    published_on,
    source,
    authors,
    script,
    char_count,
    paragraph_count,
    indicator_count,
    keywords,
    path
FROM documents
