-- Views for dashboards and for the loader's own questions. Re-applied on every
-- open (CREATE OR REPLACE), so this file is always the one definition in force.
-- "day" is the article's publication date, or the day it was first seen when
-- the article carries no date.

-- Latest event per url across fetches and later stages; a later stage wins a
-- tie on time because it ran on the page the fetch brought.
CREATE OR REPLACE VIEW url_status AS
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY url ORDER BY fetched_at DESC, stage = 'fetch', run_id DESC
        ) AS recency,
        count(*) OVER (PARTITION BY url) AS events
    FROM fetch_attempts
)
SELECT
    r.url,
    r.source,
    r.run_id     AS last_run_id,
    r.stage      AS last_stage,
    r.ok         AS last_ok,
    r.status     AS last_status,
    r.error      AS last_error,
    r.fetched_at AS last_at,
    r.events,
    EXISTS (
        SELECT 1 FROM articles a WHERE a.url = r.url OR a.canonical_url = r.url
    ) AS has_article
FROM ranked r
WHERE r.recency = 1;

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
