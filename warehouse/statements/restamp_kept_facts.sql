-- Kept facts (facts_to_swap.sql) take the new rules version, row by row.
-- for each fact table:
UPDATE {table} SET extractor_version = n.extractor_version
FROM new_{table} n
WHERE {table}.article_id = n.article_id AND {table}.ordinal = n.ordinal
  AND {table}.extractor_version IS DISTINCT FROM n.extractor_version;
-- end
