-- The new facts of the articles in swap_ids (Warehouse._swap_facts), in the
-- batch's transaction: after delete_swapped_facts.sql, or straight away when
-- every article of the batch is new (new_facts_to_swap.sql).
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
DROP TABLE swap_ids;
