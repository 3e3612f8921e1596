-- aggregation query
SELECT CASE `__k0` WHEN -1 THEN CAST('-Infinity' AS DOUBLE) WHEN -2 THEN CAST('Infinity' AS DOUBLE) WHEN -3 THEN CAST('NaN' AS DOUBLE) ELSE 0D + 5D * `__k0` END AS `bin_we_ird_name`,
  (0D + 5D * (1 + (CASE `__k0` WHEN -1 THEN CAST('-Infinity' AS DOUBLE) WHEN -2 THEN CAST('Infinity' AS DOUBLE) WHEN -3 THEN CAST('NaN' AS DOUBLE) ELSE 0D + 5D * `__k0` END - 0D) / 5D)) AS `bin_we_ird_name_end`,
  `__m1` AS `median_latency`,
  sum(`__rows2`) OVER () AS `source_rows`
FROM (
SELECT CASE WHEN CAST(`we``ird name` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`we``ird name` AS DOUBLE)) THEN -3 WHEN CAST(`we``ird name` AS DOUBLE) < 0D THEN -1 WHEN CAST(`we``ird name` AS DOUBLE) > 100D THEN -2 ELSE CAST(floor(1e-14D + ((least(greatest(CAST(`we``ird name` AS DOUBLE), 0D), 95D) - 0D) / 5D)) AS BIGINT) END AS `__k0`,
    CAST(percentile(IF(isnan(`latency`), NULL, CAST(`latency` AS DOUBLE)), 0.5) AS DOUBLE) AS `__m1`,
    count(*) AS `__rows2`
  FROM (
SELECT `we``ird name`, `latency`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
) AS prepared
  GROUP BY CASE WHEN CAST(`we``ird name` AS DOUBLE) IS NULL THEN NULL WHEN isnan(CAST(`we``ird name` AS DOUBLE)) THEN -3 WHEN CAST(`we``ird name` AS DOUBLE) < 0D THEN -1 WHEN CAST(`we``ird name` AS DOUBLE) > 100D THEN -2 ELSE CAST(floor(1e-14D + ((least(greatest(CAST(`we``ird name` AS DOUBLE), 0D), 95D) - 0D) / 5D)) AS BIGINT) END
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
      "field": "bin_we_ird_name",
      "bin": {
        "binned": true,
        "step": 5
      },
      "title": "we`ird name (binned)",
      "scale": {
        "domain": [
          0,
          100
        ]
      }
    },
    "y": {
      "type": "quantitative",
      "field": "median_latency",
      "title": "Median of latency"
    },
    "x2": {
      "field": "bin_we_ird_name_end"
    }
  }
}
