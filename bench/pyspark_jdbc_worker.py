"""PySpark's own JDBC read (`spark.read.jdbc`), timed on the same table and partitioning as ours.

Reads one JSON request per line on stdin and answers one JSON line on stdout with the time of reading
the table through `spark.read.jdbc(...)` and aggregating it with `expr`, and the value it got. One
long-lived process, so interpreter and session start-up are not counted.
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
    frame = spark.read.jdbc(
        request["url"],
        request["table"],
        column=request["column"],
        lowerBound=request["lower"],
        upperBound=request["upper"],
        numPartitions=request["partitions"],
        properties={"user": request["user"], "password": request["password"], "driver": "org.postgresql.Driver"},
    )
    value = frame.selectExpr(request["expr"]).collect()[0][0]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "value": str(value)}), flush=True)
