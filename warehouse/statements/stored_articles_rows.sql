-- Does the batch touch stored articles? Reads the key column only.
SELECT count(*) FROM article_rows WHERE article_id IN (SELECT article_id FROM articles);
