SELECT url, final_url, source, fetched_at, status, headers, body FROM raw_pages ORDER BY url;
