-- indicator_quotes: indicators whose quotes are not the slices of their paragraph that their
-- offsets name: the normalised words in the paragraph's text, the words as published in its
-- original_text (where the offsets are known: documents derived since revision 0018)
SELECT i.id AS indicator_id, i.paragraph_id
FROM indicators AS i
JOIN paragraphs AS p ON p.id = i.paragraph_id
WHERE substr(p.text, i.start_offset + 1, i.end_offset - i.start_offset) <> i.quote_normalised
    OR substr(p.original_text, i.original_start_offset + 1,
        i.original_end_offset - i.original_start_offset) <> i.quote
    OR i.document_id <> p.document_id
