-- 002: an article counts as done only once its facts are stored. The loader
-- writes an article and its facts in one transaction and stamps the article
-- with the rules version that produced them; an article without the stamp
-- (loaded by older code that wrote facts in a second transaction, possibly
-- killed in between) is fetched again, or rebuilt by `chipwire reextract`.
ALTER TABLE articles ADD COLUMN extractor_version VARCHAR;

UPDATE articles SET extractor_version = v.version
FROM (
    SELECT article_id, max(extractor_version) AS version
    FROM (
        SELECT article_id, extractor_version FROM chips
        UNION ALL SELECT article_id, extractor_version FROM money
        UNION ALL SELECT article_id, extractor_version FROM prices
        UNION ALL SELECT article_id, extractor_version FROM dates
    )
    GROUP BY article_id
) v
WHERE articles.article_id = v.article_id;
