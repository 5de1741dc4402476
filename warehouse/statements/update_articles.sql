-- article_rows: one row per article_id. Only the rows already stored are
-- updated here (insert_articles.sql adds the others), and only when something
-- really changed: first_seen is kept, updated_at moves, and loading the same
-- article twice leaves the row exactly as it was. A changed article loses its
-- facts stamp (extractor_version) until its new facts are stored in the same
-- transaction. The Python side runs this only when stored_articles_rows finds
-- one: over a warehouse of texts, the join reads them all.
UPDATE articles SET
    url = n.url,
    canonical_url = n.canonical_url,
    source = n.source,
    title = n.title,
    published = n.published,
    published_method = n.published_method,
    script = n.script,
    original_text = n.original_text,
    normalized_text = n.normalized_text,
    content_hash = n.content_hash,
    updated_at = n.loaded_at,
    extractor_version = NULL
FROM article_rows AS n
WHERE articles.article_id = n.article_id
  AND (
    articles.url, articles.canonical_url, articles.source, articles.title,
    articles.published, articles.published_method, articles.script,
    articles.content_hash, articles.original_text, articles.normalized_text
) IS DISTINCT FROM (
    n.url, n.canonical_url, n.source, n.title,
    n.published, n.published_method, n.script,
    n.content_hash, n.original_text, n.normalized_text
);
