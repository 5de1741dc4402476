-- Chart-ready views (issue 10), re-created on every open after views.sql.
-- Each counts a fact once per story (near-duplicate reposts share a story_id) and
-- leaves out articles judged off-topic (articles.on_topic = false; NULL, not yet
-- judged, counts). "day" is as in views.sql: published, else the first-seen day.
-- Documented in warehouse/README.md.

-- Every article with its story, outlet region and topic verdict. The story's lead
-- is its earliest article; story_day is the lead's day.
CREATE OR REPLACE VIEW article_story AS
WITH base AS (
    SELECT
        a.article_id,
        a.url,
        a.title,
        a.source,
        coalesce(s.region, a.region) AS region,
        a.published,
        coalesce(a.published, CAST(a.first_seen AS DATE)) AS day,
        a.first_seen,
        coalesce(a.story_id, a.article_id) AS story_id,
        a.on_topic,
        a.topic_reason
    FROM articles a
    LEFT JOIN sources s ON s.name = a.source
)
SELECT
    *,
    row_number() OVER (PARTITION BY story_id ORDER BY day, first_seen, article_id) = 1
        AS story_lead,
    min(day) OVER (PARTITION BY story_id) AS story_day,
    count(*) OVER (PARTITION BY story_id) AS story_articles
FROM base;

-- US dollars per unit of each currency on each ECB day (fx_rates holds units per euro).
CREATE OR REPLACE VIEW usd_rates AS
SELECT r.currency, r.day, u.per_eur / r.per_eur AS usd_per_unit
FROM fx_rates r
JOIN fx_rates u ON u.currency = 'USD' AND u.day = r.day
UNION ALL
SELECT 'EUR', day, per_eur FROM fx_rates WHERE currency = 'USD';

-- The sentence around a fact's span in its article's original text: what comes before
-- it since the last sentence end, and what follows it up to the next (300 characters
-- at most each way). A load stores it with each price (insert_swapped_facts.sql).
CREATE OR REPLACE MACRO sentence_before(original_text, span_start) AS regexp_extract(
    substring(original_text, greatest(1, span_start - 299), least(span_start, 300)),
    '[^。！？!?；;\n]*$'
);
CREATE OR REPLACE MACRO sentence_after(original_text, span_end) AS regexp_extract(
    substring(original_text, span_end + 1, 300), '^[^。！？!?；;\n]*[。！？!?；;]?'
);

-- One row per price, once per story (the earliest article carrying it), with its
-- evidence sentence and USD at the rate of the nearest ECB day on or before its day.
-- The window ranks keys only and the wide columns join in after it, and the ASOF join
-- runs over the distinct (currency, day) pairs: over 180k prices, the window and an
-- ASOF join carrying the texts took 180 MB and spilled under a writer's limit.
CREATE OR REPLACE VIEW chip_price_points AS
WITH firsts AS (
    SELECT article_id, ordinal
    FROM (
        SELECT
            p.article_id, p.ordinal,
            row_number() OVER (
                PARTITION BY a.story_id, p.chip, p.kind, p.item, p.per, p.currency, p.low, p.high
                ORDER BY a.day, a.first_seen, a.article_id, p.ordinal
            ) AS copy
        FROM prices p
        JOIN article_story a USING (article_id)
        WHERE a.on_topic IS NOT FALSE
    )
    WHERE copy = 1
),
firsts_wide AS (
    SELECT
        p.chip, p.kind, p.item, p.per, p.currency, p.low, p.high,
        a.day, a.published, a.story_id, a.article_id, p.ordinal,
        a.url, a.title, a.source, a.region,
        p.text, p.sentence_before, p.sentence_after
    FROM firsts f
    JOIN prices p USING (article_id, ordinal)
    JOIN article_story a USING (article_id)
),
rates AS (
    SELECT d.currency, d.day, x.day AS rate_day, x.usd_per_unit
    FROM (SELECT DISTINCT currency, day FROM firsts_wide) d
    ASOF LEFT JOIN usd_rates x ON x.currency = d.currency AND d.day >= x.day
)
SELECT
    r.*,
    x.rate_day,
    x.usd_per_unit,
    r.low * x.usd_per_unit AS usd_low,
    r.high * x.usd_per_unit AS usd_high
FROM firsts_wide r
LEFT JOIN rates x ON x.currency = r.currency AND x.day = r.day;

-- One row per chip, kind, item, per, currency and day: what a price chart plots.
CREATE OR REPLACE VIEW chip_price_series AS
SELECT
    chip, kind, item, per, currency, day,
    count(*) AS points,
    count(DISTINCT story_id) AS stories,
    min(low) AS low,
    max(high) AS high,
    median((low + high) / 2) AS median,
    min(usd_low) AS usd_low,
    max(usd_high) AS usd_high,
    median((usd_low + usd_high) / 2) AS usd_median,
    max(rate_day) AS rate_day
FROM chip_price_points
GROUP BY ALL;

-- The latest price of each chip per unit (kind, item, per, currency), with its evidence.
-- An arg_min per unit keeps one row per group as it streams: a window partitioned by
-- unit held whole partitions of 1.6M points with their texts and ran out of a
-- writer's 96 MB over 100k articles. The order key is the window's would-be ORDER BY
-- (day DESC, article_id, ordinal DESC), unique per price.
CREATE OR REPLACE VIEW latest_chip_prices AS
SELECT chip, kind, item, per, currency, latest.*
FROM (
    SELECT
        chip, kind, item, per, currency,
        arg_min(
            {
                'day': day, 'low': low, 'high': high, 'usd_low': usd_low, 'usd_high': usd_high,
                'rate_day': rate_day, 'text': text, 'sentence_before': sentence_before,
                'sentence_after': sentence_after, 'url': url, 'title': title, 'source': source,
                'region': region, 'article_id': article_id, 'ordinal': ordinal
            },
            (date_diff('day', day, DATE '9999-12-31'), article_id, -ordinal)
        ) AS latest
    FROM chip_price_points
    GROUP BY ALL
);

-- Chip mentions per day counted by story: a story counts once, on its first day.
CREATE OR REPLACE VIEW chip_mentions_by_story AS
WITH per_story AS (
    SELECT
        c.model,
        c.vendor,
        a.story_id,
        min(a.day) AS day,
        count(DISTINCT c.article_id) AS articles,
        count(*) AS mentions
    FROM chips c
    JOIN article_story a USING (article_id)
    WHERE a.on_topic IS NOT FALSE
    GROUP BY ALL
)
SELECT
    day, model, vendor,
    count(*) AS stories,
    CAST(sum(articles) AS BIGINT) AS articles,
    CAST(sum(mentions) AS BIGINT) AS mentions
FROM per_story
GROUP BY ALL;

-- Money per article, role and currency: a sale price, a rent (per hour, month or
-- year) and an amount such as revenue or a loss never add up in one sum.
CREATE OR REPLACE VIEW money_by_article_role AS
WITH priced AS (
    SELECT
        article_id, span_start, span_end,
        arg_min(kind, ordinal) AS kind,
        arg_min(per, ordinal) AS per
    FROM prices
    GROUP BY ALL
),
sums AS (
    SELECT
        m.article_id,
        coalesce(p.kind, 'amount') AS role,
        p.per,
        m.currency,
        count(*)    AS amounts,
        sum(m.low)  AS total_low,
        sum(m.high) AS total_high,
        max(m.high) AS largest
    FROM money m
    LEFT JOIN priced p USING (article_id, span_start, span_end)
    GROUP BY ALL
)
SELECT
    s.article_id,
    a.story_id,
    a.story_lead,
    a.url,
    a.title,
    a.source,
    a.published,
    a.day,
    s.role,
    s.per,
    s.currency,
    s.amounts,
    s.total_low,
    s.total_high,
    s.largest
FROM sums s
JOIN article_story a USING (article_id)
WHERE a.on_topic IS NOT FALSE;

-- Fetch health per source: the latest word on each of its URLs.
CREATE OR REPLACE VIEW source_health AS
SELECT
    coalesce(source, '(unknown)') AS source,
    count(*) AS urls,
    count(*) FILTER (WHERE has_article) AS with_article,
    count(*) FILTER (WHERE NOT last_ok) AS failing,
    max(last_at) AS last_at,
    arg_max(last_error, last_at) FILTER (WHERE NOT last_ok) AS last_error
FROM url_status
GROUP BY ALL;
