-- indicator_quotes: indicators whose quote is not the slice of its paragraph that its offsets name
SELECT i.id AS indicator_id, i.paragraph_id
FROM indicators AS i
JOIN paragraphs AS p ON p.id = i.paragraph_id
WHERE substr(p.text, i.start_offset + 1, i.end_offset - i.start_offset) <> i.quote
    OR i.document_id <> p.document_id
