-- Revenue per region from the raw orders file. `${data_dir}` is replaced by the example runner
-- with the absolute path of examples/orders/data.
CREATE OR REPLACE TEMPORARY VIEW orders
USING csv
OPTIONS (path '${data_dir}/orders.csv', header 'true', inferSchema 'true');

SELECT
  region,
  count(*)                            AS orders,
  CAST(sum(amount) AS DECIMAL(12, 2)) AS revenue,
  min(placed_at)                      AS first_order,
  max(placed_at)                      AS last_order
FROM orders
GROUP BY region
ORDER BY revenue DESC;
