-- attempt_rows: one row per (run_id, url, stage); repeating it in the same run
-- replaces the row, so a retried task leaves no duplicate.
INSERT OR REPLACE INTO fetch_attempts BY NAME
SELECT run_id, url, stage, source, final_url, status, ok, error, attempts, fetched_at
FROM attempt_rows;
