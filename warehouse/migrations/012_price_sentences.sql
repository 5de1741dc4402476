-- 012: each price keeps the sentence around it (issue 7). The price views cut it from
-- the article's text at every publish, a join holding every text at once: over a
-- large warehouse that was most of a publish's CPU, and more memory than a writer's
-- limit allows. A load now cuts it once, for its own batch (replace_facts.sql, with
-- the macros of views_chart.sql); this fills in the prices stored before, with the
-- same expressions.
ALTER TABLE prices ADD COLUMN sentence_before VARCHAR;
ALTER TABLE prices ADD COLUMN sentence_after VARCHAR;
UPDATE prices SET
    sentence_before = regexp_extract(
        substring(a.original_text, greatest(1, prices.span_start - 299), least(prices.span_start, 300)),
        '[^。！？!?；;\n]*$'
    ),
    sentence_after = regexp_extract(
        substring(a.original_text, prices.span_end + 1, 300), '^[^。！？!?；;\n]*[。！？!?；;]?'
    )
FROM articles a
WHERE a.article_id = prices.article_id;
