"""The sandbox's shop database: the Aurora MySQL cluster ``shop`` of the seed, served by the
sandbox's MySQL-compatible server (:mod:`aurora_console.sandbox.mysql`) and reached through the
loopback bastion by the built-in ``sandbox-shop`` profile.

The ``shop`` schema: ``customers``, ``products``, ``orders`` (-> customers) and ``order_items``
(-> orders, products), with foreign keys, an ``ENUM`` status, ``DECIMAL`` money, ``DATETIME``s and
a ``JSON`` column, and a few thousand rows made from a fixed random seed (the same data at every
fresh start). :func:`seed_shop` creates the master user and the data once; a persisted data
folder keeps them (the password is re-set at each start).
"""

from __future__ import annotations

import datetime as dt
import random

from aurora_console.sandbox import seed_catalog as cat

#: rows per table made by :func:`seed_shop`
CUSTOMERS = 600
PRODUCTS = 150
ORDERS = 2500
#: every order has 1-4 items
ITEMS_PER_ORDER = (1, 4)

SCHEMA = (
    """CREATE TABLE customers (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        email VARCHAR(190) NOT NULL,
        name VARCHAR(120) NOT NULL,
        country CHAR(2) NOT NULL,
        created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        UNIQUE KEY uq_customers_email (email)
    ) ENGINE=InnoDB""",
    """CREATE TABLE products (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        sku VARCHAR(32) NOT NULL,
        name VARCHAR(200) NOT NULL,
        price DECIMAL(10,2) NOT NULL,
        stock INT NOT NULL DEFAULT 0,
        attributes JSON NULL,
        UNIQUE KEY uq_products_sku (sku)
    ) ENGINE=InnoDB""",
    """CREATE TABLE orders (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        customer_id INT UNSIGNED NOT NULL,
        status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
        ordered_at DATETIME NOT NULL,
        note TEXT NULL,
        KEY ix_orders_customer (customer_id),
        KEY ix_orders_ordered_at (ordered_at),
        CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ) ENGINE=InnoDB""",
    """CREATE TABLE order_items (
        order_id INT UNSIGNED NOT NULL,
        line_no SMALLINT UNSIGNED NOT NULL,
        product_id INT UNSIGNED NOT NULL,
        quantity SMALLINT UNSIGNED NOT NULL,
        unit_price DECIMAL(10,2) NOT NULL,
        PRIMARY KEY (order_id, line_no),
        KEY ix_order_items_product (product_id),
        CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
        CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ENGINE=InnoDB""",
)

_FIRST = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis",
          "Radia", "John", "Sophie", "Tim", "Hedy", "Linus", "Anita", "Niklaus", "Karen", "Bjarne")
_LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton",
         "Ritchie", "Perlman", "Backus", "Wilson", "Berners-Lee", "Lamarr", "Torvalds", "Borg", "Wirth",
         "Spärck Jones", "Stroustrup")
_COUNTRIES = ("US", "GB", "DE", "FR", "NL", "SE", "JP", "BR", "IN", "CA")
_GOODS = ("Mug", "Notebook", "Hoodie", "Sticker pack", "Keyboard", "Desk lamp", "Backpack", "Water bottle",
          "Headphones", "Mouse pad")
_COLOURS = ("black", "white", "teal", "orange", "grey")


def host_names(seed) -> tuple[str, ...]:
    """Every DNS name that leads to the shop database (cluster, reader, instances) in ``seed``
    (an ``aws_seed.SeedInfo``)."""
    shop = seed.cluster(cat.SHOP_CLUSTER)
    return (shop.endpoint, shop.reader_endpoint, *shop.instance_hosts.values())


def seed_shop(server, password: str, *, now: dt.datetime | None = None) -> bool:
    """Create (once) the ``shop`` database, its master user and data on ``server`` (a started
    ``MysqlServer``); the master user's password is set to ``password`` every time. True when
    the data was made now, False when it was there already."""
    user = cat.SHOP_MASTER_USER
    quoted = "'" + password.replace("\\", "\\\\").replace("'", "''") + "'"
    server.execute(f"CREATE USER IF NOT EXISTS '{user}'@'%' IDENTIFIED BY {quoted}",
                   f"ALTER USER '{user}'@'%' IDENTIFIED BY {quoted}",
                   # the master user of an Aurora MySQL cluster: everything on its data, sees and
                   # kills other sessions (PROCESS; CONNECTION ADMIN on MySQL 8)
                   f"GRANT ALL PRIVILEGES ON `{cat.SHOP_DATABASE}`.* TO '{user}'@'%'",
                   f"GRANT PROCESS, RELOAD, SHOW DATABASES ON *.* TO '{user}'@'%'")
    conn = server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s "
                        "AND TABLE_NAME = 'order_items'", (cat.SHOP_DATABASE,))
            if cur.fetchone()[0]:
                return False
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{cat.SHOP_DATABASE}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            cur.execute(f"USE `{cat.SHOP_DATABASE}`")
            for statement in SCHEMA:
                cur.execute(statement)
            conn.autocommit(False)
            _insert_rows(cur, random.Random(19), now or dt.datetime(2026, 11, 30, 12, 0, 0))
            conn.commit()
    finally:
        conn.close()
    return True


def _insert_rows(cur, rnd: random.Random, now: dt.datetime) -> None:
    start = now - dt.timedelta(days=365)
    customers = []
    for i in range(1, CUSTOMERS + 1):
        first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
        created = start + dt.timedelta(minutes=rnd.randrange(365 * 24 * 60))
        customers.append((f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.com", f"{first} {last}",
                          rnd.choice(_COUNTRIES), created))
    cur.executemany("INSERT INTO customers (email, name, country, created_at) VALUES (%s, %s, %s, %s)", customers)
    products = []
    for i in range(1, PRODUCTS + 1):
        good, colour = rnd.choice(_GOODS), rnd.choice(_COLOURS)
        attributes = None if i % 7 == 0 else f'{{"colour": "{colour}", "weight_g": {rnd.randrange(20, 1500)}}}'
        products.append((f"SKU-{i:05d}", f"{good} ({colour})", rnd.randrange(199, 19999) / 100,
                         rnd.randrange(0, 500), attributes))
    cur.executemany("INSERT INTO products (sku, name, price, stock, attributes) VALUES (%s, %s, %s, %s, %s)",
                    products)
    prices = {i + 1: p[2] for i, p in enumerate(products)}
    orders, items = [], []
    for order_id in range(1, ORDERS + 1):
        ordered = start + dt.timedelta(minutes=rnd.randrange(365 * 24 * 60))
        status = rnd.choices(("new", "paid", "shipped", "cancelled"), weights=(1, 3, 8, 1))[0]
        note = "gift wrap, please" if order_id % 97 == 0 else None
        orders.append((rnd.randrange(1, CUSTOMERS + 1), status, ordered, note))
        for line in range(1, rnd.randint(*ITEMS_PER_ORDER) + 1):
            product = rnd.randrange(1, PRODUCTS + 1)
            items.append((order_id, line, product, rnd.randint(1, 5), prices[product]))
    cur.executemany("INSERT INTO orders (customer_id, status, ordered_at, note) VALUES (%s, %s, %s, %s)", orders)
    cur.executemany("INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) "
                    "VALUES (%s, %s, %s, %s, %s)", items)
