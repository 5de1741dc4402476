-- page_rows: one row per url. Only urls already stored are updated here
-- (insert_raw_pages.sql adds the others); an older fetch never overwrites a
-- newer page. Run only when stored_raw_pages_rows finds one.
UPDATE raw_pages SET
    final_url = n.final_url,
    source = n.source,
    fetched_at = n.fetched_at,
    status = n.status,
    headers = CAST(n.headers AS JSON),
    body = n.body,
    sha256 = n.sha256
FROM page_rows AS n
WHERE raw_pages.url = n.url AND n.fetched_at >= raw_pages.fetched_at;
