"""The published site, through Datasette's own test client on the loaded seeds."""

from tests.conftest import get


def test_documents_table_as_json(datasette):
    response = get(datasette, "/pingan/documents.json?_shape=array&_col=title")
    assert response.status_code == 200
    assert len(response.json()) == 5


def test_paragraphs_table_as_json(datasette, seeded_engine):
    response = get(datasette, "/pingan/paragraphs.json?_shape=objects&_size=max")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and {"document_id", "position", "text"} <= set(rows[0])


def test_site_metadata_is_served(datasette):
    response = get(datasette, "/-/metadata.json")
    metadata = response.json()
    assert metadata["title"] == "pingan-db"
    tables = metadata["databases"]["pingan"]["tables"]
    assert tables["documents"]["description"]
    assert tables["alembic_version"]["hidden"] is True


def test_home_page_renders(datasette):
    response = get(datasette, "/")
    assert response.status_code == 200
    assert "pingan-db" in response.text
