-- Sample rows for the demo shop: 8 customers, 10 products and 30 orders from January to June 2025.
-- Some orders carry an older price than the product's current unit_price, and 4 are refunded.

INSERT INTO customers (id, name, email, country, created_at) VALUES
    (1, 'Alice Martin', 'alice.martin@example.com', 'FR', TIMESTAMP '2024-01-12 09:15:00'),
    (2, 'Bob Smith', 'bob.smith@example.com', 'GB', TIMESTAMP '2024-02-03 14:40:00'),
    (3, 'Chen Wei', 'chen.wei@example.com', 'SG', TIMESTAMP '2024-02-20 08:05:00'),
    (4, 'Diego Alvarez', 'diego.alvarez@example.com', 'ES', TIMESTAMP '2024-04-11 17:30:00'),
    (5, 'Emma Johansson', 'emma.johansson@example.com', 'SE', TIMESTAMP '2024-06-02 11:00:00'),
    (6, 'Farah Khan', 'farah.khan@example.com', 'GB', TIMESTAMP '2024-08-19 10:20:00'),
    (7, 'Gustav Nilsen', 'gustav.nilsen@example.com', 'NO', TIMESTAMP '2024-10-07 13:45:00'),
    (8, 'Hana Sato', 'hana.sato@example.com', 'JP', TIMESTAMP '2024-11-28 06:10:00');

INSERT INTO products (id, name, category, unit_price, stock) VALUES
    (1, 'Laptop Pro 14', 'Electronics', 1299.00, 7),
    (2, 'Wireless Mouse', 'Electronics', 24.90, 140),
    (3, 'USB-C Dock', 'Electronics', 149.00, 4),
    (4, 'Noise-Cancelling Headphones', 'Electronics', 279.00, 12),
    (5, 'Standing Desk', 'Furniture', 549.00, 3),
    (6, 'Ergonomic Chair', 'Furniture', 389.00, 9),
    (7, 'Desk Lamp', 'Furniture', 45.50, 60),
    (8, 'Notebook A5, pack of 3', 'Stationery', 12.75, 250),
    (9, 'Fountain Pen', 'Stationery', 38.00, 0),
    (10, '27-inch Monitor', 'Electronics', 329.00, 15);

INSERT INTO orders (id, customer_id, product_id, quantity, unit_price, ordered_at, status) VALUES
    (1, 1, 1, 1, 1349.00, TIMESTAMP '2025-01-06 10:12:00', 'shipped'),
    (2, 1, 2, 2, 24.90, TIMESTAMP '2025-01-06 10:12:00', 'shipped'),
    (3, 2, 5, 1, 579.00, TIMESTAMP '2025-01-09 16:45:00', 'shipped'),
    (4, 3, 8, 10, 12.75, TIMESTAMP '2025-01-14 09:30:00', 'shipped'),
    (5, 4, 4, 1, 299.00, TIMESTAMP '2025-01-21 19:05:00', 'refunded'),
    (6, 5, 10, 2, 329.00, TIMESTAMP '2025-01-28 11:20:00', 'shipped'),
    (7, 6, 7, 3, 45.50, TIMESTAMP '2025-02-02 13:00:00', 'shipped'),
    (8, 2, 6, 2, 389.00, TIMESTAMP '2025-02-07 15:35:00', 'shipped'),
    (9, 7, 9, 4, 38.00, TIMESTAMP '2025-02-11 08:50:00', 'shipped'),
    (10, 8, 3, 1, 159.00, TIMESTAMP '2025-02-15 22:10:00', 'shipped'),
    (11, 1, 10, 1, 329.00, TIMESTAMP '2025-02-19 12:00:00', 'shipped'),
    (12, 3, 1, 1, 1299.00, TIMESTAMP '2025-02-24 17:25:00', 'shipped'),
    (13, 4, 2, 3, 24.90, TIMESTAMP '2025-03-01 10:40:00', 'shipped'),
    (14, 5, 5, 1, 549.00, TIMESTAMP '2025-03-06 14:15:00', 'refunded'),
    (15, 6, 4, 1, 279.00, TIMESTAMP '2025-03-12 09:05:00', 'shipped'),
    (16, 7, 8, 20, 12.75, TIMESTAMP '2025-03-18 16:30:00', 'shipped'),
    (17, 8, 6, 1, 389.00, TIMESTAMP '2025-03-23 11:45:00', 'shipped'),
    (18, 1, 3, 2, 149.00, TIMESTAMP '2025-03-29 18:20:00', 'shipped'),
    (19, 2, 7, 1, 45.50, TIMESTAMP '2025-04-03 08:10:00', 'refunded'),
    (20, 3, 10, 1, 329.00, TIMESTAMP '2025-04-08 13:55:00', 'shipped'),
    (21, 4, 1, 1, 1299.00, TIMESTAMP '2025-04-14 10:30:00', 'shipped'),
    (22, 5, 9, 2, 38.00, TIMESTAMP '2025-04-19 15:00:00', 'shipped'),
    (23, 6, 2, 1, 24.90, TIMESTAMP '2025-04-25 20:40:00', 'shipped'),
    (24, 1, 5, 1, 549.00, TIMESTAMP '2025-05-02 09:25:00', 'shipped'),
    (25, 7, 4, 2, 279.00, TIMESTAMP '2025-05-08 12:15:00', 'paid'),
    (26, 8, 8, 6, 12.75, TIMESTAMP '2025-05-14 17:50:00', 'paid'),
    (27, 2, 1, 1, 1299.00, TIMESTAMP '2025-05-20 11:05:00', 'refunded'),
    (28, 3, 6, 1, 389.00, TIMESTAMP '2025-05-27 14:35:00', 'paid'),
    (29, 5, 7, 2, 45.50, TIMESTAMP '2025-06-03 10:00:00', 'paid'),
    (30, 1, 8, 4, 12.75, TIMESTAMP '2025-06-09 16:20:00', 'paid');
