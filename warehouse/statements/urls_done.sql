-- candidate_urls: the urls this run discovered. Only those are looked up, on
-- the key columns, so the cost follows the run, not the size of the database.
-- An article is done only when its facts are stored (extractor_version set).
SELECT c.url FROM candidate_urls c
WHERE c.url IN (SELECT url FROM articles WHERE extractor_version IS NOT NULL)
   OR c.url IN (SELECT canonical_url FROM articles WHERE extractor_version IS NOT NULL);
