-- One batch of stored pages for re-extraction, keyset-paged by url so each
-- batch is a short read and memory stays flat however many pages are stored.
-- The batch's urls are picked before the joins: joined first, every stored page
-- after `after` met its article before the LIMIT, which made the first batches
-- of a re-extraction cost three times the rest.
WITH page AS (
    SELECT url, final_url, source, fetched_at, status, headers, body
    FROM raw_pages
    WHERE url > $after
    ORDER BY url
    LIMIT $limit
)
SELECT
    r.url, r.final_url, r.source, s.region, CAST(a.published AS VARCHAR) AS feed_published,
    r.fetched_at, r.status, CAST(r.headers AS VARCHAR) AS headers, r.body
FROM page r
LEFT JOIN sources s ON s.name = r.source
LEFT JOIN articles a ON a.url = r.url
ORDER BY r.url;
