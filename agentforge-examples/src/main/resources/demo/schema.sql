-- The demo shop: customers, products and orders. The SQL runs on both H2 and PostgreSQL.
-- Revenue is SUM(quantity * unit_price) over the orders whose status is not 'refunded',
-- using orders.unit_price (the price at order time), not products.unit_price.
-- Every statement ends with a semicolon at the end of a line, and comment lines start with two dashes.
-- The tables are created only if missing, so loading twice keeps existing data.

CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) NOT NULL UNIQUE,
    country VARCHAR(2) NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    category VARCHAR(50) NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    stock INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price DECIMAL(10, 2) NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    status VARCHAR(10) NOT NULL CHECK (status IN ('paid', 'shipped', 'refunded'))
);

CREATE INDEX IF NOT EXISTS orders_customer_id ON orders (customer_id);
CREATE INDEX IF NOT EXISTS orders_product_id ON orders (product_id);

COMMENT ON TABLE customers IS 'People and companies who buy from the shop';
COMMENT ON COLUMN customers.country IS 'ISO 3166-1 alpha-2 country code, such as FR or JP';
COMMENT ON TABLE products IS 'Things the shop sells';
COMMENT ON COLUMN products.unit_price IS 'Current list price per unit';
COMMENT ON COLUMN products.stock IS 'Units in the warehouse now';
COMMENT ON TABLE orders IS 'One order line: a quantity of one product bought by one customer. Revenue is SUM(quantity * unit_price) over orders whose status is not refunded';
COMMENT ON COLUMN orders.unit_price IS 'Price per unit at order time, which can differ from products.unit_price';
COMMENT ON COLUMN orders.status IS 'paid, shipped or refunded. Refunded orders do not count as revenue';
