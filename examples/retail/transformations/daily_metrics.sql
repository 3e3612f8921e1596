-- Transformed zone: daily metrics per customer segment, and the date × metric series of the seed's
-- "Trend Analysis" line chart.
CREATE MATERIALIZED VIEW daily_segment_metrics
COMMENT 'Transformed zone: per day and customer segment, total and average transaction amount and the number of transactions.'
AS SELECT
  to_date(transaction_date) AS date,
  segment,
  sum(amount) AS total_amount,
  avg(amount) AS average_amount,
  count(*) AS transaction_count
FROM curated_transactions
GROUP BY to_date(transaction_date), segment;

CREATE MATERIALIZED VIEW trend_analysis
COMMENT 'Transformed zone: one row per day and metric (total_amount, average_amount, transaction_count).'
AS SELECT date, metric, value
FROM (
  SELECT date,
         CAST(sum(total_amount) AS DOUBLE) AS total_amount,
         CAST(sum(total_amount) / sum(transaction_count) AS DOUBLE) AS average_amount,
         CAST(sum(transaction_count) AS DOUBLE) AS transaction_count
  FROM daily_segment_metrics
  GROUP BY date
)
LATERAL VIEW stack(3, 'total_amount', total_amount, 'average_amount', average_amount, 'transaction_count', transaction_count) series AS metric, value;
