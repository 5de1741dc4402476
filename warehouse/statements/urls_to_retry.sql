-- Pages whose latest attempt failed and that still have no finished article.
-- Filter first: only urls with a failed, non-discovery attempt are looked at,
-- then their latest event is taken and articles are matched on key columns.
-- Discovery failures are left out (every run discovers again), and a page that
-- failed five times is given up on until someone retries it by hand.
WITH failing AS (
    SELECT DISTINCT url FROM fetch_attempts WHERE NOT ok AND stage <> 'discover'
),
latest AS (
    SELECT
        f.url,
        arg_max(
            struct_pack(source := f.source, ok := f.ok, stage := f.stage),
            struct_pack(at := f.fetched_at, later_stage := f.stage <> 'fetch', run := f.run_id)
        ) AS last,
        count(*) AS events
    FROM fetch_attempts f
    WHERE f.url IN (SELECT url FROM failing)
    GROUP BY f.url
),
finished AS (
    SELECT url FROM articles
    WHERE extractor_version IS NOT NULL AND url IN (SELECT url FROM failing)
    UNION
    SELECT canonical_url FROM articles
    WHERE extractor_version IS NOT NULL AND canonical_url IN (SELECT url FROM failing)
)
SELECT url, last.source AS source
FROM latest
WHERE NOT last.ok
  AND last.stage <> 'discover'
  AND events < 5
  AND url NOT IN (SELECT url FROM finished)
ORDER BY url;
