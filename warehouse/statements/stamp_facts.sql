-- After insert_swapped_facts.sql, in the same transaction: these articles now have the
-- facts of this rules version, so they count as done.
UPDATE articles SET extractor_version = $extractor_version
WHERE article_id IN (SELECT article_id FROM fact_article_ids)
  AND extractor_version IS DISTINCT FROM $extractor_version;
