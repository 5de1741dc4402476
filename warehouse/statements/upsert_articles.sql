-- article_rows: one row per article_id. first_seen is kept; updated_at moves
-- only when something really changed, so loading the same article twice
-- leaves the row exactly as it was. A changed article loses its facts stamp
-- (extractor_version) until its new facts are stored in the same transaction.
INSERT INTO articles BY NAME
SELECT
    article_id, url, canonical_url, source, title, published, published_method,
    script, original_text, normalized_text, content_hash,
    loaded_at AS first_seen, loaded_at AS updated_at
FROM article_rows
ON CONFLICT (article_id) DO UPDATE SET
    url = excluded.url,
    canonical_url = excluded.canonical_url,
    source = excluded.source,
    title = excluded.title,
    published = excluded.published,
    published_method = excluded.published_method,
    script = excluded.script,
    original_text = excluded.original_text,
    normalized_text = excluded.normalized_text,
    content_hash = excluded.content_hash,
    updated_at = excluded.updated_at,
    extractor_version = NULL
WHERE (
    articles.url, articles.canonical_url, articles.source, articles.title,
    articles.published, articles.published_method, articles.script,
    articles.content_hash, articles.original_text, articles.normalized_text
) IS DISTINCT FROM (
    excluded.url, excluded.canonical_url, excluded.source, excluded.title,
    excluded.published, excluded.published_method, excluded.script,
    excluded.content_hash, excluded.original_text, excluded.normalized_text
);
