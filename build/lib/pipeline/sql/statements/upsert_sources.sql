-- source_rows: one row per source name (the loader deduplicates).
INSERT OR REPLACE INTO sources BY NAME
SELECT name, kind, location, region FROM source_rows;
