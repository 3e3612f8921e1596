-- planning query 1
SELECT min(IF(isnan(`latency`), NULL, CAST(`latency` AS DOUBLE))) AS `min_0`, max(IF(isnan(`latency`), NULL, CAST(`latency` AS DOUBLE))) AS `max_0`
FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src

-- aggregation query
SELECT CASE `__k0` WHEN -1 THEN CAST('-Infinity' AS DOUBLE) WHEN -2 THEN CAST('Infinity' AS DOUBLE) WHEN -3 THEN CAST('NaN' AS DOUBLE) ELSE 0D + 50D * `__k0` END AS `bin_latency`,
  (0D + 50D * (1 + (CASE `__k0` WHEN -1 THEN CAST('-Infinity' AS DOUBLE) WHEN -2 THEN CAST('Infinity' AS DOUBLE) WHEN -3 THEN CAST('NaN' AS DOUBLE) ELSE 0D + 50D * `__k0` END - 0D) / 50D)) AS `bin_latency_end`,
  `__m1` AS `count`,
  sum(`__rows2`) OVER () AS `source_rows`
FROM (
SELECT CASE WHEN CAST(`latency` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`latency` AS DOUBLE)) THEN -3 WHEN CAST(`latency` AS DOUBLE) < 0D THEN -1 WHEN CAST(`latency` AS DOUBLE) > 750D THEN -2 ELSE CAST(floor(1e-14D + ((least(greatest(CAST(`latency` AS DOUBLE), 0D), 700D) - 0D) / 50D)) AS BIGINT) END AS `__k0`,
    CAST(count(*) AS DOUBLE) AS `__m1`,
    count(*) AS `__rows2`
  FROM (
SELECT `latency`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
) AS prepared
  GROUP BY CASE WHEN CAST(`latency` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`latency` AS DOUBLE)) THEN -3 WHEN CAST(`latency` AS DOUBLE) < 0D THEN -1 WHEN CAST(`latency` AS DOUBLE) > 750D THEN -2 ELSE CAST(floor(1e-14D + ((least(greatest(CAST(`latency` AS DOUBLE), 0D), 700D) - 0D) / 50D)) AS BIGINT) END
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
