-- The url that ends the next batch of stored pages after $after (Warehouse.stored_page_batch):
-- only the url column is sorted, so a batch costs a scan of urls, not of bodies.
SELECT max(url) FROM (
    SELECT url FROM raw_pages WHERE url > $after ORDER BY url LIMIT $limit
);
