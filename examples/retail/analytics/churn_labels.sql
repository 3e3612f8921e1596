-- Labels for the churn model: on each label day (from the 6th day of data to the 5th-last), every
-- customer who had bought before it, and whether they bought nothing from then on (churned = 1).
-- Labels only look forward from their time; the features they are trained with only look back.
CREATE MATERIALIZED VIEW churn_labels
COMMENT 'Labels: per customer and label day, 1 when the customer bought nothing from that day on.'
AS WITH bounds AS (
  SELECT min(to_date(transaction_date)) AS first_day, max(to_date(transaction_date)) AS last_day
  FROM curated_transactions
),
label_days AS (
  SELECT explode(sequence(date_add(first_day, 5), date_sub(last_day, 4))) AS day FROM bounds
)
SELECT
  t.customer_id,
  CAST(l.day AS TIMESTAMP) AS label_time,
  CAST(count_if(to_date(t.transaction_date) >= l.day) = 0 AS INT) AS churned
FROM label_days l
JOIN curated_transactions t ON t.customer_id IS NOT NULL
GROUP BY t.customer_id, l.day
HAVING min(to_date(t.transaction_date)) < l.day;
