"""The Datasette site configuration, shipped as etl.site_config (see pyproject.toml)."""
