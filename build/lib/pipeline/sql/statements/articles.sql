SELECT article_id, url, source, CAST(published AS VARCHAR) AS published, original_text
FROM articles
ORDER BY article_id;
