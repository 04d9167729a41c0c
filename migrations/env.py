"""Alembic environment: one code path whether called by `pingan` or by plain `alembic`."""

from logging.config import fileConfig

from alembic import context

from etl.db import database_url, make_engine
from etl.models import Base
from etl.views import made_by_hand

config = context.config
if config.config_file_name and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate compares only what the models make (see etl.views.made_by_hand)."""
    if type_ != "table" or name is None or not reflected or compare_to is not None:
        return True
    return not made_by_hand(name, _views())


def _views() -> set[str]:
    connection = config.attributes.get("connection")
    if connection is None:
        return set()
    from sqlalchemy import inspect

    return set(inspect(connection).get_view_names())


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = make_engine(url)
    with engine.begin() as conn:
        run_migrations(conn)
