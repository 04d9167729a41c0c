"""Alembic revisions, shipped inside the package as etl.migrations (see pyproject.toml)."""
