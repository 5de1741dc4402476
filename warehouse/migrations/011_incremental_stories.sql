-- 011: annotate only what changed (issue 7: a daily run's cost must not grow with
-- the warehouse). annotated_key says which text, facts and story rules an article's
-- story_id, on_topic, topic_reason and region were computed from; an article whose
-- key differs is annotated again, every other one is left as it is.
ALTER TABLE articles ADD COLUMN annotated_key VARCHAR;

-- The LSH bands of each stored signature (pipeline/stories.py). Candidate reposts
-- of a run's new articles are found by a join on (band, bucket) here, not by an
-- index of every signature rebuilt in memory at each run.
CREATE TABLE story_bands (
    article_id VARCHAR NOT NULL,
    band       SMALLINT NOT NULL,
    bucket     UBIGINT NOT NULL
);
