"""PySpark's own Spark Connect client, timed on the same queries as ours.

Reads one JSON request per line on stdin ({"query": ...}) and answers one JSON line on stdout with the
fetch time of `spark.sql(query).toArrow()` and the row count. One long-lived process, so interpreter and
session start-up are not counted.
"""
import json
import sys
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
print(json.dumps({"ready": spark.version}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    started = time.perf_counter()
    table = spark.sql(request["query"]).toArrow()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": table.num_rows}), flush=True)
    del table
