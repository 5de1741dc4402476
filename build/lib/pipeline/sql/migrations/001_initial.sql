-- 001: the first schema. All timestamps are UTC, stored without a zone.
-- No foreign keys: DuckDB checks them on every delete, and facts are replaced
-- by delete-then-insert; the loader keeps the tables consistent instead.

CREATE TABLE sources (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,          -- rss, sitemap, listing ...
    location   VARCHAR NOT NULL,          -- feed or listing URL
    region     VARCHAR                    -- CN, TW, HK: decides what a bare 元 means
);

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,      -- uuid4 hex
    kind        VARCHAR NOT NULL,         -- ingest, reextract ...
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,         -- running until finish_run
    stats       JSON
);

-- One row per url, run and stage: the fetch itself (stage 'fetch') and any later
-- stage that failed on a page fetched fine (stage 'extract', ...).
CREATE TABLE fetch_attempts (
    run_id     VARCHAR NOT NULL,
    url        VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    source     VARCHAR,
    final_url  VARCHAR,
    status     INTEGER,                   -- HTTP status, NULL when no response
    ok         BOOLEAN NOT NULL,          -- fetch: body kept and no error; later stage: always false
    error      VARCHAR,
    attempts   INTEGER NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, url, stage)
);

CREATE TABLE raw_pages (
    url        VARCHAR PRIMARY KEY,
    final_url  VARCHAR,
    source     VARCHAR,
    fetched_at TIMESTAMP NOT NULL,
    status     INTEGER,
    headers    JSON,
    body       BLOB NOT NULL,
    sha256     VARCHAR NOT NULL
);

CREATE TABLE articles (
    article_id       VARCHAR PRIMARY KEY,
    url              VARCHAR NOT NULL,
    canonical_url    VARCHAR,
    source           VARCHAR,
    title            VARCHAR,
    published        DATE,
    published_method VARCHAR,             -- how the date was found (meta, text, htmldate ...)
    script           VARCHAR,             -- script detected: traditional, simplified, mixed
    original_text    VARCHAR NOT NULL,
    normalized_text  VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    first_seen       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

-- Fact tables: one row per item of the FACTS.md output lists. ordinal is the
-- item's index in its list; text is the mention as the reader saw it, at
-- articles.original_text[span_start:span_end] (Python offsets, end exclusive).
CREATE TABLE chips (
    article_id        VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    span_start        INTEGER NOT NULL,
    span_end          INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    vendor            VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);

CREATE TABLE money (
    article_id        VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    span_start        INTEGER NOT NULL,
    span_end          INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    currency          VARCHAR NOT NULL CHECK (length(currency) = 3),
    low               DOUBLE NOT NULL,
    high              DOUBLE NOT NULL,
    qualifier         VARCHAR CHECK (qualifier IN ('approx', 'over', 'under')),
    extractor_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);

CREATE TABLE prices (
    article_id        VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    span_start        INTEGER NOT NULL,
    span_end          INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    chip              VARCHAR NOT NULL,
    item              VARCHAR CHECK (item IN ('card', 'server')),
    kind              VARCHAR NOT NULL CHECK (kind IN ('sale', 'rental')),
    per               VARCHAR CHECK (per IN ('hour', 'month', 'year')),
    currency          VARCHAR NOT NULL CHECK (length(currency) = 3),
    low               DOUBLE NOT NULL,
    high              DOUBLE NOT NULL,
    extractor_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);

CREATE TABLE dates (
    article_id        VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    span_start        INTEGER NOT NULL,
    span_end          INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    value             VARCHAR,            -- NULL: relative date with no published date
    granularity       VARCHAR NOT NULL
                      CHECK (granularity IN ('year', 'half', 'quarter', 'month', 'day')),
    mod               VARCHAR CHECK (mod IN ('start', 'mid', 'end')),
    fiscal            BOOLEAN NOT NULL,
    extractor_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);
