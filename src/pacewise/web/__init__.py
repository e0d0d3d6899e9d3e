"""The web layer: the JSON API (and later the pages), thin over the services."""
