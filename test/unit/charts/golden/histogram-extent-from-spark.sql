-- planning query 1
SELECT min(IF(isnan(`latency`), NULL, CAST(`latency` AS DOUBLE))) AS `min_0`, max(IF(isnan(`latency`), NULL, CAST(`latency` AS DOUBLE))) AS `max_0`
FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src

-- aggregation query
SELECT `__k0` AS `bin_latency`,
  (0D + 50D * (1 + (`__k0` - 0D) / 50D)) AS `bin_latency_end`,
  `__m1` AS `count`,
  sum(`__rows2`) OVER () AS `source_rows`
FROM (
SELECT CASE WHEN CAST(`latency` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`latency` AS DOUBLE)) THEN CAST(`latency` AS DOUBLE) WHEN CAST(`latency` AS DOUBLE) < 0D THEN CAST('-Infinity' AS DOUBLE) WHEN CAST(`latency` AS DOUBLE) > 750D THEN CAST('Infinity' AS DOUBLE) ELSE 0D + 50D * floor(1e-14D + ((least(greatest(CAST(`latency` AS DOUBLE), 0D), 700D) - 0D) / 50D)) END AS `__k0`,
    CAST(count(*) AS DOUBLE) AS `__m1`,
    count(*) AS `__rows2`
  FROM (
SELECT `latency`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
) AS prepared
  GROUP BY CASE WHEN CAST(`latency` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`latency` AS DOUBLE)) THEN CAST(`latency` AS DOUBLE) WHEN CAST(`latency` AS DOUBLE) < 0D THEN CAST('-Infinity' AS DOUBLE) WHEN CAST(`latency` AS DOUBLE) > 750D THEN CAST('Infinity' AS DOUBLE) ELSE 0D + 50D * floor(1e-14D + ((least(greatest(CAST(`latency` AS DOUBLE), 0D), 700D) - 0D) / 50D)) END
) AS grouped

-- rewritten spec
{
  "mark": "bar",
  "data": {
    "name": "result"
  },
  "encoding": {
    "x": {
      "type": "quantitative",
      "field": "bin_latency",
      "bin": {
        "binned": true,
        "step": 50
      },
      "title": "latency (binned)",
      "scale": {
        "domain": [
          0,
          750
        ]
      }
    },
    "y": {
      "type": "quantitative",
      "field": "count",
      "title": "Count of Records"
    },
    "x2": {
      "field": "bin_latency_end"
    }
  }
}
