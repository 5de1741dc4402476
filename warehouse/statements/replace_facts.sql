-- Run inside one transaction by Warehouse._swap_facts, after facts_to_swap.sql.
-- fact_article_ids lists every article of the batch, so an article whose new
-- lists are all empty loses its old facts too; swap_ids says which of them
-- changed. Kept facts take the new rules version, row by row.
DELETE FROM chips WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM money WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM prices WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM dates WHERE article_id IN (SELECT article_id FROM swap_ids);
INSERT INTO chips BY NAME
SELECT * FROM new_chips WHERE article_id IN (SELECT article_id FROM swap_ids);
INSERT INTO money BY NAME
SELECT * FROM new_money WHERE article_id IN (SELECT article_id FROM swap_ids);
-- fact_texts: article_id, original_text of the batch's articles; each price keeps the
-- sentence around it (the macros are in views_chart.sql)
INSERT INTO prices BY NAME
SELECT
    n.*,
    sentence_before(t.original_text, n.span_start) AS sentence_before,
    sentence_after(t.original_text, n.span_end) AS sentence_after
FROM new_prices n
LEFT JOIN fact_texts t USING (article_id)
WHERE n.article_id IN (SELECT article_id FROM swap_ids);
INSERT INTO dates BY NAME
SELECT * FROM new_dates WHERE article_id IN (SELECT article_id FROM swap_ids);
UPDATE chips SET extractor_version = n.extractor_version
FROM new_chips n
WHERE chips.article_id = n.article_id AND chips.ordinal = n.ordinal
  AND chips.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE money SET extractor_version = n.extractor_version
FROM new_money n
WHERE money.article_id = n.article_id AND money.ordinal = n.ordinal
  AND money.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE prices SET extractor_version = n.extractor_version
FROM new_prices n
WHERE prices.article_id = n.article_id AND prices.ordinal = n.ordinal
  AND prices.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE dates SET extractor_version = n.extractor_version
FROM new_dates n
WHERE dates.article_id = n.article_id AND dates.ordinal = n.ordinal
  AND dates.extractor_version IS DISTINCT FROM n.extractor_version;
DROP TABLE swap_ids;
DROP TABLE kept_ids;
