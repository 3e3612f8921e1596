"""Point-in-time training sets two ways on the same Spark Connect server, timed in one process.

ours: spark_workbench_features.training_set (one window per feature table over labels and feature rows).
peer: Feast's Spark offline store's way: each feature table joined to the labels on the key with
feature_time <= label_time, ROW_NUMBER() by time descending kept at 1 (at a tie, the greater value, as
ours does), left-joined back to the labels.
Both summarised by the same checksum over every label's features. Arguments: remote URL, the python/
folder, labels, feature rows per table. Each stdin line "ours" or "peer"; each answer one JSON line.
"""
import json
import sys
import time

sys.path.insert(0, sys.argv[2])
from spark_workbench_features import FeatureTable, training_set  # noqa: E402

from pyspark.sql import SparkSession  # noqa: E402

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
labels, rows = int(sys.argv[3]), int(sys.argv[4])
entities = max(1, labels // 10)
spark.sql("CREATE SCHEMA IF NOT EXISTS bench_pit")
# Deterministic data: times in seconds over 90 days; each entity has about rows / entities feature rows.
spark.sql("DROP TABLE IF EXISTS bench_pit.labels")
spark.sql(f"""CREATE TABLE bench_pit.labels USING parquet AS
  SELECT id AS label_id, pmod(hash(id, 1), {entities}) AS entity_id,
         timestamp_seconds(1704067200 + pmod(hash(id, 2), 7776000)) AS label_time, pmod(hash(id, 3), 2) AS label
  FROM range({labels})""")
for table, salt in (("customer_features", 10), ("activity_features", 20)):
    spark.sql(f"DROP TABLE IF EXISTS bench_pit.{table}")
    spark.sql(f"""CREATE TABLE bench_pit.{table} USING parquet AS
      SELECT pmod(hash(id, {salt}), {entities}) AS entity_id,
             timestamp_seconds(1704067200 + pmod(hash(id, {salt + 1}), 7776000)) AS feature_time,
             CAST(pmod(hash(id, {salt + 2}), 1000) AS DOUBLE) AS {table.split('_')[0]}_value
      FROM range({rows})""")
print(json.dumps({"ready": spark.version, "labels": labels, "rows": rows, "entities": entities}), flush=True)

CHECKSUM = ["count(*) AS n", "CAST(sum(hash(label_id, customer_value, activity_value)) AS STRING) AS checksum"]


def ours():
    tables = [
        FeatureTable("bench_pit.customer_features", ["entity_id"], "feature_time", ["customer_value"]),
        FeatureTable("bench_pit.activity_features", ["entity_id"], "feature_time", ["activity_value"]),
    ]
    return training_set(spark, "bench_pit.labels", "label_time", tables).selectExpr(*CHECKSUM).collect()[0]


def peer():
    joined = []
    for table, column in (("customer_features", "customer_value"), ("activity_features", "activity_value")):
        joined.append(f"""{table} AS (
          SELECT label_id, {column} FROM (
            SELECT l.label_id, f.{column},
                   ROW_NUMBER() OVER (PARTITION BY l.label_id ORDER BY f.feature_time DESC, f.{column} DESC) AS row_number
            FROM bench_pit.labels l JOIN bench_pit.{table} f
              ON f.entity_id = l.entity_id AND f.feature_time <= l.label_time
          ) WHERE row_number = 1
        )""")
    sql = f"""WITH {', '.join(joined)}
      SELECT l.*, c.customer_value, a.activity_value FROM bench_pit.labels l
      LEFT JOIN customer_features c ON c.label_id = l.label_id
      LEFT JOIN activity_features a ON a.label_id = l.label_id"""
    return spark.sql(sql).selectExpr(*CHECKSUM).collect()[0]


for line in sys.stdin:
    who = line.strip()
    started = time.perf_counter()
    row = ours() if who == "ours" else peer()
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": row[0], "checksum": row[1]}), flush=True)
spark.sql("DROP SCHEMA bench_pit CASCADE")
