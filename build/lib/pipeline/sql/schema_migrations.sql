-- Bookkeeping for pipeline/migrate.py: one row per numbered migration applied.
-- Created before any migration runs, so it is not a migration itself.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    checksum   VARCHAR NOT NULL,          -- sha256 of the file as applied
    applied_at TIMESTAMP NOT NULL
);
