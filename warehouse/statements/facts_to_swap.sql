-- Run by Warehouse._swap_facts before delete_swapped_facts.sql, in its transaction: which
-- articles of fact_article_ids get their facts rewritten (swap_ids). An article is
-- kept as it is when its text is unchanged (it still carries a facts stamp: a new or
-- changed article has none) and its new facts equal the stored ones, row for row,
-- whatever rules version made them. A re-extraction after a small rule change then
-- rewrites the articles the change touched, not the warehouse. One statement per
-- fact table: the eight set operations in one query needed more than a writer's
-- memory limit.
CREATE OR REPLACE TEMP TABLE kept_ids AS
SELECT article_id
FROM articles
WHERE article_id IN (SELECT article_id FROM fact_article_ids)
  AND extractor_version IS NOT NULL;
CREATE OR REPLACE TEMP TABLE swap_ids AS
SELECT article_id FROM fact_article_ids
WHERE article_id NOT IN (SELECT article_id FROM kept_ids);
-- for each fact table:
INSERT INTO swap_ids
SELECT DISTINCT article_id FROM (
    (SELECT {compared_columns}
    FROM new_{table} WHERE article_id IN (SELECT article_id FROM kept_ids)
    EXCEPT
    SELECT {compared_columns}
    FROM {table} WHERE article_id IN (SELECT article_id FROM kept_ids))
    UNION ALL
    (SELECT {compared_columns}
    FROM {table} WHERE article_id IN (SELECT article_id FROM kept_ids)
    EXCEPT
    SELECT {compared_columns}
    FROM new_{table} WHERE article_id IN (SELECT article_id FROM kept_ids))
);
-- end
DROP TABLE kept_ids;
