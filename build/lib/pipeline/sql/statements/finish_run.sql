UPDATE runs
SET finished_at = $finished_at, status = $status, stats = CAST($stats AS JSON)
WHERE run_id = $run_id;
