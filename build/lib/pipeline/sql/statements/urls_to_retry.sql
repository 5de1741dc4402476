-- Pages whose latest attempt failed and that still have no article. Discovery
-- failures are left out (every run discovers again), and a page that failed
-- five times is given up on until someone retries it by hand.
SELECT url, source
FROM url_status
WHERE NOT last_ok
  AND NOT has_article
  AND last_stage <> 'discover'
  AND events < 5
ORDER BY url;
