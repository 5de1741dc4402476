-- The stored texts of the articles in fact_article_ids: what insert_swapped_facts.sql cuts each
-- price's sentence from when the facts come without their articles.
SELECT article_id, original_text
FROM articles
WHERE article_id IN (SELECT article_id FROM fact_article_ids);
