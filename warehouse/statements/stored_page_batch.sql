-- One batch of stored pages for re-extraction, keyset-paged by url so each
-- batch is a short read and memory stays flat however many pages are stored.
SELECT
    r.url, r.final_url, r.source, s.region, CAST(a.published AS VARCHAR) AS feed_published,
    r.fetched_at, r.status, CAST(r.headers AS VARCHAR) AS headers, r.body
FROM raw_pages r
LEFT JOIN sources s ON s.name = r.source
LEFT JOIN articles a ON a.url = r.url
WHERE r.url > $after
ORDER BY r.url
LIMIT $limit;
