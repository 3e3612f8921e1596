"""Reading a paged JSON API two ways on the same Spark Connect server, timed in one long-lived process.

ours: spark.read.format("http") (python/spark_workbench_http.py, as the editor registers it), numbered
pages read in parallel partitions. peer: what one writes without it, a sequential loop of requests
(urllib) and spark.createDataFrame. Each request is one JSON line on stdin; each answer one JSON line.
"""
import json
import sys
import time
import urllib.request

sys.path.insert(0, sys.argv[2])
import spark_workbench_http  # noqa: E402

from pyspark.sql import SparkSession  # noqa: E402

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
spark_workbench_http.register(spark)
print(json.dumps({"ready": spark.version}), flush=True)
SUMMARY = ["count(*) AS n", "CAST(sum(id) AS STRING) AS ids"]


def peer(url):
    records = []
    page = 1
    while True:
        with urllib.request.urlopen(f"{url}?page={page}") as response:
            data = json.loads(response.read())["data"]
        if not data:
            break
        records.extend(data)
        page += 1
    frame = spark.createDataFrame([(r["id"], r["name"], r["amount"]) for r in records], "id BIGINT, name STRING, amount DOUBLE")
    return frame.selectExpr(*SUMMARY).collect()[0]


def ours(url, partitions):
    frame = (
        spark.read.format("http")
        .option("url", url)
        .option("paging", "page")
        .option("records", "data")
        .option("partitions", str(partitions))
        .option("schema", "id BIGINT, name STRING, amount DOUBLE")
        .load()
    )
    return frame.selectExpr(*SUMMARY).collect()[0]


for line in sys.stdin:
    request = json.loads(line)
    started = time.perf_counter()
    row = ours(request["url"], request["partitions"]) if request["who"] == "ours" else peer(request["url"])
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": row[0], "ids": row[1]}), flush=True)
