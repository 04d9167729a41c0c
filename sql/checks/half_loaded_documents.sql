-- half_loaded_documents: documents whose paragraphs are not all there (or that have none)
SELECT d.id AS document_id, d.paragraph_count, count(p.id) AS paragraphs_found
FROM documents AS d
LEFT JOIN paragraphs AS p ON p.document_id = d.id
GROUP BY d.id, d.paragraph_count
HAVING count(p.id) = 0 OR count(p.id) <> coalesce(d.paragraph_count, count(p.id))
