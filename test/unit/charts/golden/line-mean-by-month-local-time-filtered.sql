-- aggregation query
SELECT `__k0` AS `region`,
  make_timestamp(year(date_add(add_months(make_date(`__k2`, 1, 1), `__k3`), 1 - 1)), month(date_add(add_months(make_date(`__k2`, 1, 1), `__k3`), 1 - 1)), day(date_add(add_months(make_date(`__k2`, 1, 1), `__k3`), 1 - 1)), 0, 0, CAST((0) * 1000 + (0) AS DECIMAL(8, 3)) / 1000, 'Europe/Berlin') AS `yearmonth_ordered_at`,
  `__m4` AS `mean_amount`,
  sum(`__rows5`) OVER () AS `source_rows`
FROM (
SELECT `region` AS `__k0`,
    year(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))) AS `__k2`,
    (month(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))) - 1) AS `__k3`,
    CAST(avg(CAST(`amount` AS DOUBLE)) AS DOUBLE) AS `__m4`,
    count(*) AS `__rows5`
  FROM (
SELECT `region`, `ordered_at`, `amount`, unix_micros(from_utc_timestamp(`ordered_at`, 'Europe/Berlin')) AS `__w1`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
  WHERE ((coalesce(NULLIF(`region`, '') IN ('EMEA', 'APAC'), FALSE))) AND ((CASE WHEN `quantity` IS NULL THEN FALSE ELSE coalesce(`quantity` > 0D, FALSE) END))
) AS prepared
  GROUP BY `region`, year(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))), (month(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))) - 1)
) AS grouped

-- rewritten spec
{
  "mark": "line",
  "data": {
    "name": "result"
  },
  "encoding": {
    "x": {
      "type": "temporal",
      "field": "yearmonth_ordered_at",
      "timeUnit": {
        "unit": "yearmonth",
        "binned": true
      },
      "title": "ordered_at (year-month)"
    },
    "y": {
      "type": "quantitative",
      "field": "mean_amount",
      "title": "Mean of amount"
    },
    "color": {
      "field": "region",
      "type": "nominal"
    }
  }
}
