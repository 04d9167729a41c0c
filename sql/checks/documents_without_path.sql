-- documents_without_path: documents that no recorded path leads to
SELECT d.id AS document_id
FROM documents AS d
WHERE NOT EXISTS (SELECT 1 FROM document_paths AS dp WHERE dp.document_id = d.id)
