"""SQL files (views, canned queries, checks, column descriptions), shipped as etl.sql."""
