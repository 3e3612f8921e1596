-- Transformed zone: each day's total amount in US dollars and in each currency of the rates API, at
-- that day's rate.
CREATE MATERIALIZED VIEW daily_revenue_by_currency
COMMENT 'Transformed zone: daily total amount in USD, converted at the day''s rate for each currency.'
AS SELECT
  d.date,
  r.currency,
  r.rate,
  d.total_usd,
  CAST(d.total_usd * r.rate AS DECIMAL(16, 2)) AS total
FROM (SELECT date, sum(total_amount) AS total_usd FROM daily_segment_metrics GROUP BY date) d
JOIN (SELECT to_date(date) AS date, currency, rate FROM raw_exchange_rates) r ON r.date = d.date;
