-- After facts_to_swap.sql, in the same transaction (Warehouse._swap_facts):
-- fact_article_ids lists every article of the batch, so an article whose new
-- lists are all empty loses its old facts too; swap_ids says which of them
-- changed.
DELETE FROM chips WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM money WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM prices WHERE article_id IN (SELECT article_id FROM swap_ids);
DELETE FROM dates WHERE article_id IN (SELECT article_id FROM swap_ids);
