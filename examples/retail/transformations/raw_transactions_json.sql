-- Raw zone: the JSON transaction files, read whole at each run.
CREATE MATERIALIZED VIEW raw_transactions_json
COMMENT 'Raw zone: JSON transaction files.'
AS SELECT * FROM json.`${retail.raw}/json`;
