-- Run inside one transaction by Warehouse.replace_facts. fact_article_ids
-- lists every article of the batch, so an article whose new lists are all
-- empty loses its old facts too.
DELETE FROM chips WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM money WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM prices WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM dates WHERE article_id IN (SELECT article_id FROM fact_article_ids);
INSERT INTO chips BY NAME SELECT * FROM new_chips;
INSERT INTO money BY NAME SELECT * FROM new_money;
-- fact_texts: article_id, original_text of the batch's articles; each price keeps the
-- sentence around it (the macros are in views_chart.sql)
INSERT INTO prices BY NAME
SELECT
    n.*,
    sentence_before(t.original_text, n.span_start) AS sentence_before,
    sentence_after(t.original_text, n.span_end) AS sentence_after
FROM new_prices n
LEFT JOIN fact_texts t USING (article_id);
INSERT INTO dates BY NAME SELECT * FROM new_dates;
