-- aggregation query
SELECT `__k0` AS `region`,
  make_timestamp(year(date_add(add_months(make_date(2012, 1, 1), 0), `__k2` - 1)), month(date_add(add_months(make_date(2012, 1, 1), 0), `__k2` - 1)), day(date_add(add_months(make_date(2012, 1, 1), 0), `__k2` - 1)), 0, 0, CAST((0) * 1000 + (0) AS DECIMAL(8, 3)) / 1000, 'UTC') AS `utcday_day`,
  `__m3` AS `sum_quantity`,
  sum(`__rows4`) OVER () AS `source_rows`
FROM (
SELECT `region` AS `__k0`,
    ((dayofweek(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))) - 1) + (1) * 7 - pmod(0 + 6, 7)) AS `__k2`,
    CAST(sum(CAST(`quantity` AS DOUBLE)) AS DOUBLE) AS `__m3`,
    count(*) AS `__rows4`
  FROM (
SELECT `region`, `day`, `quantity`, CAST(unix_date(`day`) AS BIGINT) * 86400000000 AS `__w1`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
) AS prepared
  GROUP BY `region`, ((dayofweek(date_from_unix_date(CAST((`__w1` - pmod(`__w1`, 86400000000)) DIV 86400000000 AS INT))) - 1) + (1) * 7 - pmod(0 + 6, 7))
) AS grouped

-- rewritten spec
{
  "mark": "bar",
  "data": {
    "name": "result"
  },
  "encoding": {
    "x": {
      "type": "ordinal",
      "field": "utcday_day",
      "timeUnit": {
        "unit": "utcday",
        "binned": true
      },
      "title": "day (day)"
    },
    "y": {
      "type": "quantitative",
      "field": "sum_quantity",
      "title": "Sum of quantity"
    },
    "color": {
      "field": "region",
      "type": "nominal"
    }
  }
}
