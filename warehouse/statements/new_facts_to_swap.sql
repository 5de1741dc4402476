-- Every article of the batch is new (none was stored before this load), so
-- none has stored facts to compare, delete or restamp: each of those statements
-- reads a whole fact table, which over a large warehouse cost a batch of new
-- pages more than its own insert. Facts are only ever stored with their
-- article, in its load's transaction, so a new article has none.
CREATE OR REPLACE TEMP TABLE swap_ids AS
SELECT article_id FROM fact_article_ids;
