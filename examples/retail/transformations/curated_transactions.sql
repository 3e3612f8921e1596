-- Curated zone, as the seed's transformer cleans: duplicate rows dropped, numeric nulls filled with 0,
-- and the time of processing added. The expectations are the seed's quality checks (customer id and
-- amount present): a failing row is kept and counted, shown in Problems on its CONSTRAINT line.
-- The quality file beside the spec (spark-quality.yml) checks the datasets as a whole.
CREATE MATERIALIZED VIEW curated_transactions (
  CONSTRAINT customer_id_present EXPECT (customer_id IS NOT NULL),
  CONSTRAINT amount_present EXPECT (amount IS NOT NULL),
  CONSTRAINT transaction_id_present EXPECT (transaction_id IS NOT NULL) ON VIOLATION FAIL UPDATE
)
COMMENT 'Curated zone: both raw sources, duplicates dropped, numeric nulls filled with 0, processed_date added.'
AS SELECT
  transaction_id,
  customer_id,
  segment,
  channel,
  coalesce(amount, 0) AS amount,
  coalesce(quantity, 0) AS quantity,
  transaction_date,
  current_timestamp() AS processed_date
FROM (
  SELECT DISTINCT * FROM (
    SELECT CAST(transaction_id AS BIGINT) AS transaction_id, CAST(customer_id AS STRING) AS customer_id,
           CAST(segment AS STRING) AS segment, CAST(channel AS STRING) AS channel,
           CAST(amount AS DECIMAL(12, 2)) AS amount, CAST(quantity AS INT) AS quantity,
           CAST(transaction_date AS TIMESTAMP) AS transaction_date
    FROM raw_transactions_csv
    UNION ALL
    SELECT CAST(transaction_id AS BIGINT), CAST(customer_id AS STRING), CAST(segment AS STRING), CAST(channel AS STRING),
           CAST(amount AS DECIMAL(12, 2)), CAST(quantity AS INT), CAST(transaction_date AS TIMESTAMP)
    FROM raw_transactions_json
  )
);
