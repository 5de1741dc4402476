-- page_rows: one row per url. An older fetch never overwrites a newer page.
INSERT INTO raw_pages BY NAME
SELECT url, final_url, source, fetched_at, status, CAST(headers AS JSON) AS headers, body, sha256
FROM page_rows
ON CONFLICT (url) DO UPDATE SET
    final_url = excluded.final_url,
    source = excluded.source,
    fetched_at = excluded.fetched_at,
    status = excluded.status,
    headers = excluded.headers,
    body = excluded.body,
    sha256 = excluded.sha256
WHERE excluded.fetched_at >= raw_pages.fetched_at;
