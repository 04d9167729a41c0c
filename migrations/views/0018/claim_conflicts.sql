-- claim_conflicts: one row per pair of claims that cannot both be true: the same metric, measure,
-- place (city and scope) and period, and a different value, change or direction, in two
-- documents or within one. Both quotes are given, for a fact-checker to read side by side.
-- Not conflicts: claims that repeat a figure (a summary and the body saying the same); a rounded
-- restatement (3500余名 beside 3512名: an approximate figure agrees with any within a tenth of
-- it); a different basis (同比, 比2019年) or a different measure (7000 cameras added, 20.5万 in
-- all); changes counted in other units (下降12.67% and 减少484起); and, within one document,
-- figures whose subjects are written differently (抓获涉案人员193人 and 抓获成员30人, 400名联防队员
-- and 60名特保队员: a subset, another force), since an article names the same quantity the same
-- way. Figures cited for another place never reach comparable_claims. (Claims are paired on
-- comparable_claims, a table indexed on the keys they share, and only the pairs that disagree
-- are joined to their quotes and titles. Every key is an equality, dated and undated claims
-- apart, so that the index finds each claim's partners: with the two kinds in one OR, a claim
-- was checked against every claim of its city and metric, 94 s at 100,000 documents, then 14 s.)
WITH candidates AS (
    -- Dated claims pair when their periods start and end on the same days; within one document
    -- only when their subjects are written the same way.
    SELECT city, a.indicator_id AS indicator_id_a, b.indicator_id AS indicator_id_b
    FROM comparable_claims AS a
    JOIN comparable_claims AS b
        USING (city, metric, measure, kind, is_target, period_start, period_end)
    WHERE b.scope IS NOT DISTINCT FROM a.scope
        AND b.basis IS NOT DISTINCT FROM a.basis
        AND b.bound IS NOT DISTINCT FROM a.bound
        AND (a.kind <> 'change' OR b.unit IS NOT DISTINCT FROM a.unit)
        AND b.indicator_id > a.indicator_id
        AND (b.document_id <> a.document_id OR b.subject IS NOT DISTINCT FROM a.subject)
    UNION ALL
    -- Undated claims (no start, so no end) pair within one document, on the same period words
    -- and the same subject as written.
    SELECT city, a.indicator_id, b.indicator_id
    FROM comparable_claims AS a
    JOIN comparable_claims AS b
        USING (city, metric, measure, kind, is_target, period, document_id)
    WHERE a.period_start IS NULL
        AND b.period_start IS NULL
        AND b.period_end IS NOT DISTINCT FROM a.period_end
        AND b.scope IS NOT DISTINCT FROM a.scope
        AND b.basis IS NOT DISTINCT FROM a.basis
        AND b.bound IS NOT DISTINCT FROM a.bound
        AND (a.kind <> 'change' OR b.unit IS NOT DISTINCT FROM a.unit)
        AND b.subject IS NOT DISTINCT FROM a.subject
        AND b.indicator_id > a.indicator_id
),
pairs AS (
    -- Of those, the pairs that disagree beyond rounding.
    SELECT c.city, c.indicator_id_a, c.indicator_id_b
    FROM candidates AS c
    JOIN comparable_claims AS a ON a.indicator_id = c.indicator_id_a
    JOIN comparable_claims AS b ON b.indicator_id = c.indicator_id_b
    WHERE a.direction <> b.direction
        OR (a.value <> b.value OR a.change_pct <> b.change_pct)
        AND (
            a.approx IS NULL AND b.approx IS NULL
            OR abs(a.value - b.value) * 10
                > CASE WHEN abs(a.value) > abs(b.value) THEN abs(a.value) ELSE abs(b.value) END
        )
)
SELECT
    a.metric,
    a.metric_name_zh,
    pairs.city,
    a.scope,
    a.measure,
    a.period_label,
    a.period,
    a.period_start,
    a.period_end,
    a.kind,
    a.basis,
    a.value AS value_a,
    b.value AS value_b,
    a.approx AS approx_a,
    b.approx AS approx_b,
    a.change_pct AS change_pct_a,
    b.change_pct AS change_pct_b,
    a.change_abs AS change_abs_a,
    b.change_abs AS change_abs_b,
    a.direction AS direction_a,
    b.direction AS direction_b,
    a.subject AS subject_a,
    b.subject AS subject_b,
    a.quote AS quote_a,
    b.quote AS quote_b,
    a.title AS title_a,
    b.title AS title_b,
    a.document_id AS document_id_a,
    b.document_id AS document_id_b,
    a.indicator_id AS indicator_id_a,
    b.indicator_id AS indicator_id_b,
    a.province
FROM pairs
JOIN indicator_facts AS a ON a.indicator_id = pairs.indicator_id_a
JOIN indicator_facts AS b ON b.indicator_id = pairs.indicator_id_b
