"""The sandbox's Aurora MySQL cluster ``shop`` (MariaDB through the loopback bastion, TLS verified,
password from SSM) through every database page object, as an automation script would drive it:
``console.content``, ``console.migrations`` (and ``MigrationsPage`` with a folder),
``console.performance`` and ``console.sql`` on ``sandbox-shop``."""

from __future__ import annotations

import pytest

from aurora_console.testing.pages_migrations import MigrationsPage

pytestmark = pytest.mark.timeout(600)


@pytest.mark.expected_errors
def test_sandbox_shop_through_every_database_page(console, tmp_path, caplog):
    content = console.content("sandbox-shop")
    assert {"shop.customers", "shop.products", "shop.orders", "shop.order_items"} <= set(content.tables())
    customers = content.table("customers")  # a bare name: the shop database (it has no blog tables)
    assert customers.name.endswith("customers") and "email" in customers.columns()
    first = customers.rows()[0]
    key = first["id"]
    customers.edit(key, "name", "Renamed by the page object")
    result = customers.save()
    assert result.ok, customers.errors()
    sql = console.sql("sandbox-shop")
    (res,) = sql.run(f"SELECT name FROM customers WHERE id = {int(key)}")
    assert res.error() is None and res.rows() == [("Renamed by the page object",)]

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "V1__notes.sql").write_text("CREATE TABLE notes (id INT PRIMARY KEY);\n"
                                          "INSERT INTO notes VALUES (1);\n")
    migrations = MigrationsPage(console, "sandbox-shop", folder=folder)
    assert migrations.pending() == ["V1__notes.sql"]
    migrations.migrate()
    assert migrations.applied() == ["V1__notes.sql"] and migrations.pending() == []
    (res,) = sql.run("SELECT COUNT(*) FROM notes")
    assert res.error() is None and int(res.rows()[0][0]) == 1

    performance = console.performance("sandbox-shop")
    sessions = performance.sessions()
    assert any(s.get("database") == "shop" for s in sessions), sessions
    console.wait()
