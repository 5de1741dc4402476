-- page_rows not stored yet (an anti-join on the key, as insert_articles.sql).
INSERT INTO raw_pages BY NAME
SELECT url, final_url, source, fetched_at, status, CAST(headers AS JSON) AS headers, body, sha256
FROM page_rows
WHERE url NOT IN (SELECT url FROM raw_pages);
