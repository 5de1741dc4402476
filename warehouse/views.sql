-- Views for dashboards and for the loader's own questions. Re-applied on every
-- open (CREATE OR REPLACE), so this file is always the one definition in force.
-- "day" is the article's publication date, or the day it was first seen when
-- the article carries no date.

-- Latest event per url across fetches and later stages; a later stage wins a
-- tie on time because it ran on the page the fetch brought. An aggregate per
-- url (not a window over the whole log) and a join on key columns (not an
-- OR-join), so `WHERE url = ...` is pushed down to the log and a lookup costs
-- what the url's own rows cost. has_article: an article with its facts stored.
CREATE OR REPLACE VIEW url_status AS
WITH latest AS (
    SELECT
        url,
        arg_max(
            struct_pack(
                source := source, run_id := run_id, stage := stage, ok := ok,
                status := status, error := error, at := fetched_at
            ),
            struct_pack(at := fetched_at, later_stage := stage <> 'fetch', run := run_id)
        ) AS last,
        count(*) AS events
    FROM fetch_attempts
    GROUP BY url
),
finished AS (
    SELECT url FROM articles WHERE extractor_version IS NOT NULL
    UNION
    SELECT canonical_url FROM articles
    WHERE extractor_version IS NOT NULL AND canonical_url IS NOT NULL
)
SELECT
    l.url,
    l.last.source AS source,
    l.last.run_id AS last_run_id,
    l.last.stage  AS last_stage,
    l.last.ok     AS last_ok,
    l.last.status AS last_status,
    l.last.error  AS last_error,
    l.last.at     AS last_at,
    l.events,
    f.url IS NOT NULL AS has_article
FROM latest l
LEFT JOIN finished f ON f.url = l.url;

CREATE OR REPLACE VIEW chip_price_history AS
SELECT
    p.chip,
    coalesce(a.published, CAST(a.first_seen AS DATE)) AS day,
    a.published,
    p.kind,
    p.per,
    p.item,
    p.currency,
    p.low,
    p.high,
    p.text,
    a.url,
    a.title,
    a.source,
    p.article_id
FROM prices p
JOIN articles a USING (article_id);

CREATE OR REPLACE VIEW chip_mentions_daily AS
SELECT
    coalesce(a.published, CAST(a.first_seen AS DATE)) AS day,
    c.model,
    c.vendor,
    count(DISTINCT c.article_id) AS articles,
    count(*) AS mentions
FROM chips c
JOIN articles a USING (article_id)
GROUP BY ALL;

-- Per article and currency: amounts are not converted, so currencies never mix.
CREATE OR REPLACE VIEW money_by_article AS
SELECT
    m.article_id,
    a.url,
    a.title,
    a.source,
    a.published,
    m.currency,
    count(*)    AS amounts,
    sum(m.low)  AS total_low,
    sum(m.high) AS total_high,
    max(m.high) AS largest
FROM money m
JOIN articles a USING (article_id)
GROUP BY ALL;
