-- Kept facts (facts_to_swap.sql) take the new rules version, row by row.
UPDATE chips SET extractor_version = n.extractor_version
FROM new_chips n
WHERE chips.article_id = n.article_id AND chips.ordinal = n.ordinal
  AND chips.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE money SET extractor_version = n.extractor_version
FROM new_money n
WHERE money.article_id = n.article_id AND money.ordinal = n.ordinal
  AND money.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE prices SET extractor_version = n.extractor_version
FROM new_prices n
WHERE prices.article_id = n.article_id AND prices.ordinal = n.ordinal
  AND prices.extractor_version IS DISTINCT FROM n.extractor_version;
UPDATE dates SET extractor_version = n.extractor_version
FROM new_dates n
WHERE dates.article_id = n.article_id AND dates.ordinal = n.ordinal
  AND dates.extractor_version IS DISTINCT FROM n.extractor_version;
