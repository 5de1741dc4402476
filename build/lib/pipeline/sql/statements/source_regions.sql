SELECT name, region FROM sources;
