-- After facts_to_swap.sql, in the same transaction (Warehouse._swap_facts):
-- fact_article_ids lists every article of the batch, so an article whose new
-- lists are all empty loses its old facts too; swap_ids says which of them
-- changed.
-- for each fact table:
DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM swap_ids);
-- end
