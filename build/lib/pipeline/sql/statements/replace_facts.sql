-- Run inside one transaction by Warehouse.replace_facts. fact_article_ids
-- lists every article of the batch, so an article whose new lists are all
-- empty loses its old facts too.
DELETE FROM chips WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM money WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM prices WHERE article_id IN (SELECT article_id FROM fact_article_ids);
DELETE FROM dates WHERE article_id IN (SELECT article_id FROM fact_article_ids);
INSERT INTO chips BY NAME SELECT * FROM new_chips;
INSERT INTO money BY NAME SELECT * FROM new_money;
INSERT INTO prices BY NAME SELECT * FROM new_prices;
INSERT INTO dates BY NAME SELECT * FROM new_dates;
