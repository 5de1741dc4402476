-- Runs still 'running' when a new run starts were killed (DuckDB lets one
-- process write at a time, and a run holds the file only in short sessions,
-- so two live runs on one file are not supported): mark them abandoned.
UPDATE runs SET status = 'abandoned', finished_at = $now
WHERE status = 'running';
