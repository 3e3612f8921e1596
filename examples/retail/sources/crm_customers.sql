-- Raw zone: the CRM's customers, read from PostgreSQL through Spark's JDBC catalog (spark-workbench.yml
-- beside the spec declares the database `crm`; `npm run example` starts it and loads 500 customers).
CREATE MATERIALIZED VIEW raw_crm_customers
COMMENT 'Raw zone: the CRM customers table (PostgreSQL), as it is.'
AS SELECT * FROM crm.public.customers;

-- Curated zone: each customer of the CRM with their transactions; the segment and the signup date are
-- the CRM's.
CREATE MATERIALIZED VIEW curated_customers
COMMENT 'Curated zone: CRM customers (segment and signup date from the CRM) with their transactions.'
AS SELECT
  c.customer_id,
  c.name,
  c.segment,
  c.signup_date,
  count(t.transaction_id) AS transactions,
  coalesce(sum(t.amount), 0) AS total_amount,
  max(t.transaction_date) AS last_transaction_date
FROM raw_crm_customers c
LEFT JOIN curated_transactions t ON t.customer_id = c.customer_id
GROUP BY c.customer_id, c.name, c.segment, c.signup_date;
