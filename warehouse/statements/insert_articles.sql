-- article_rows not stored yet. An anti-join on the key column, not INSERT ...
-- ON CONFLICT: over 10k stored articles that took 55 MB a batch against 17.
INSERT INTO articles BY NAME
SELECT
    article_id, url, canonical_url, source, title, published, published_method,
    script, original_text, normalized_text, content_hash,
    loaded_at AS first_seen, loaded_at AS updated_at
FROM article_rows
WHERE article_id NOT IN (SELECT article_id FROM articles);
