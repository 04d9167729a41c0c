"""The same migrations and ETL on a real PostgreSQL server."""

from sqlalchemy import func, inspect, select

from etl import db
from etl.load import load_files
from etl.models import Base, Document, Paragraph
from etl.read import find_article_files
from tests.conftest import SEEDS


def test_migrations_and_seeds_load_on_postgresql(postgres_url, seeded_engine):
    engine = db.make_engine(postgres_url)
    db.upgrade(engine)
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    summary = load_files(engine, list(find_article_files([SEEDS])))
    assert (summary.loaded, summary.failed) == (5, 0)
    for model in (Document, Paragraph):
        query = select(func.count()).select_from(model)
        with engine.connect() as pg, seeded_engine.connect() as lite:
            assert pg.execute(query).scalar_one() == lite.execute(query).scalar_one()
    with engine.connect() as pg, seeded_engine.connect() as lite:
        query = select(Document.sha256, Document.title, Document.text).order_by(Document.sha256)
        assert pg.execute(query).all() == lite.execute(query).all()
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
