-- Feature table: each customer's activity as it was known at the end of each day, for training sets
-- built as of any time (spark_workbench_features.training_set) and for scoring the latest day. Its table
-- properties make it a feature table: after each run, the keys are checked present and one row per
-- customer and time, and the Pipelines and Catalog views show its keys.
CREATE MATERIALIZED VIEW customer_features
COMMENT 'Feature table: per customer and day, days since the last purchase and purchases in the 7 days up to it.'
TBLPROPERTIES ('feature_table.keys' = 'customer_id', 'feature_table.timestamp' = 'as_of')
AS SELECT
  t.customer_id,
  -- Known once the day is over: the features of day d are as of midnight after it.
  CAST(date_add(d.day, 1) AS TIMESTAMP) AS as_of,
  CAST(datediff(d.day, max(to_date(t.transaction_date))) AS DOUBLE) AS recency_days,
  CAST(count_if(to_date(t.transaction_date) > date_sub(d.day, 7)) AS DOUBLE) AS frequency_7d
FROM (
  SELECT explode(sequence(min(to_date(transaction_date)), max(to_date(transaction_date)))) AS day
  FROM curated_transactions
) d
JOIN curated_transactions t ON to_date(t.transaction_date) <= d.day
WHERE t.customer_id IS NOT NULL
GROUP BY t.customer_id, d.day;
