-- Does the batch fetch again urls already stored? Reads the key column only.
SELECT count(*) FROM page_rows WHERE url IN (SELECT url FROM raw_pages);
