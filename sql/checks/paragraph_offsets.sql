-- paragraph_offsets: paragraphs whose offsets do not give their text back from the document's text
SELECT p.id AS paragraph_id, p.document_id
FROM paragraphs AS p
JOIN documents AS d ON d.id = p.document_id
WHERE p.start_offset IS NOT NULL
    AND substr(d.text, p.start_offset + 1, p.end_offset - p.start_offset) <> p.text
