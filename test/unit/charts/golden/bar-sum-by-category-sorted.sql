-- aggregation query
SELECT `__k0` AS `region`,
  `__m1` AS `sum_amount`,
  `__s2` AS `sort_x`,
  sum(`__rows3`) OVER () AS `source_rows`
FROM (
SELECT `region` AS `__k0`,
    CAST(sum(CAST(`amount` AS DOUBLE)) AS DOUBLE) AS `__m1`,
    CAST(sum(CAST(`amount` AS DOUBLE)) AS DOUBLE) AS `__s2`,
    count(*) AS `__rows3`
  FROM (
SELECT `region`, `amount`
  FROM (
SELECT * FROM orders -- the user query, with a trailing comment
) AS src
) AS prepared
  GROUP BY `region`
) AS grouped

-- rewritten spec
{
  "mark": "bar",
  "data": {
    "name": "result"
  },
  "encoding": {
    "x": {
      "field": "region",
      "type": "nominal",
      "sort": {
        "field": "sort_x",
        "op": "max",
        "order": "descending"
      }
    },
    "y": {
      "type": "quantitative",
      "field": "sum_amount",
      "title": "Sum of amount"
    }
  }
}
