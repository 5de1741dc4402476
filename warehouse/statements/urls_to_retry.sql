SELECT url, source FROM url_status WHERE NOT last_ok AND NOT has_article ORDER BY url;
