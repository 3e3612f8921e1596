"""The peer of bench/qualityChecks.mts: Great Expectations 1.x validating the same checks on the same
Parquet files, in a local Spark of its own (classic pyspark, the pinned wheel), as a GE user runs it.

Usage: python ge_validate.py ORDERS_DIR REGIONS_DIR ROUNDS [parquet|csv SCHEMA [FORMAT,FORMAT…]]
Each round validates once per result format (SUMMARY, GE's default, keeps partial lists of unexpected
values; BOOLEAN_ONLY only decides success). Prints one JSON line per validation: the format, seconds,
Spark jobs and stages that ran, and scan operators of the executed plans (the Spark UI's REST API, by
job group), and each expectation's unexpected count (SUMMARY only). GE caches the DataFrame it
validates (persist=True, its default); scans of that cache count as scans.
"""

import json
import sys
import time
import urllib.request

import great_expectations as gx
from pyspark.sql import SparkSession

orders_dir, regions_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
source_format = sys.argv[4] if len(sys.argv) > 4 else "parquet"
result_formats = sys.argv[6].split(",") if len(sys.argv) > 6 else ["SUMMARY"]
spark = (
    SparkSession.builder.master("local[*]")
    .config("spark.driver.memory", "4g")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.ui.port", "0")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.driver.host", "127.0.0.1")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
orders = (
    spark.read.schema(sys.argv[5]).option("header", "true").csv(orders_dir)
    if source_format == "csv"
    else spark.read.parquet(orders_dir)
)
# GE has no check across datasets: its users collect the other dataset's keys into a value set.
region_ids = [row[0] for row in spark.read.parquet(regions_dir).select("region_id").collect()]

context = gx.get_context(mode="ephemeral")
asset = context.data_sources.add_spark(name="bench").add_dataframe_asset(name="orders")
batch_definition = asset.add_batch_definition_whole_dataframe("all rows")
suite = context.suites.add(gx.ExpectationSuite(name="orders"))
E = gx.expectations
for expectation in [
    E.ExpectColumnValuesToNotBeNull(column="customer_id"),
    E.ExpectColumnValuesToNotBeNull(column="amount"),
    E.ExpectColumnValuesToBeUnique(column="order_id"),
    E.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=990),
    E.ExpectColumnValuesToBeBetween(column="quantity", min_value=1, max_value=9),
    E.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[A-Z]{2}-\d{4}$"),
    E.ExpectColumnValuesToBeInSet(column="channel", value_set=["web", "store", "phone"]),
    E.ExpectColumnValuesToBeInSet(column="status", value_set=["new", "paid", "shipped"]),
    E.ExpectColumnValuesToBeInSet(column="region_id", value_set=region_ids),
    E.ExpectColumnValuesToBeInSet(column="warehouse_id", value_set=region_ids),
]:
    suite.add_expectation(expectation)
validation = context.validation_definitions.add(gx.ValidationDefinition(data=batch_definition, suite=suite, name="orders"))

ui = spark.sparkContext.uiWebUrl.replace("localhost", "127.0.0.1")
app = spark.sparkContext.applicationId


def scans_of(job_ids):
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/sql?details=true&planDescription=false&length=100000") as response:
        executions = json.load(response)
    found = []
    for execution in executions:
        jobs = set(execution.get("successJobIds", []) + execution.get("failedJobIds", []) + execution.get("runningJobIds", []))
        if jobs & job_ids:
            found += [n["nodeName"] for n in execution.get("nodes", []) if n["nodeName"].startswith("Scan")]
    return found


def validate(round_number, result_format):
    # GE persists the batch's DataFrame (its default): each validation starts with an empty cache, so
    # it reads the files as a validation in a fresh CI job does, and as ours does every round.
    spark.catalog.clearCache()
    group = f"ge-{round_number}-{result_format}"
    spark.sparkContext.setJobGroup(group, "Great Expectations validation")
    started = time.perf_counter()
    result = validation.run(batch_parameters={"dataframe": orders}, result_format=result_format)
    seconds = time.perf_counter() - started
    time.sleep(1)  # the UI's listener catches up with the last execution
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/jobs") as response:
        jobs = [j for j in json.load(response) if j.get("jobGroup") == group]
    job_ids = {j["jobId"] for j in jobs}
    # As for ours: stages that ran (skipped ones reused earlier shuffle output).
    stages = sum(len(j.get("stageIds", [])) - j.get("numSkippedStages", 0) for j in jobs)
    print(
        json.dumps(
            {
                "format": result_format,
                "seconds": seconds,
                "jobs": len(job_ids),
                "stages": stages,
                "scans": len([s for s in scans_of(job_ids) if source_format in s.lower()]),
                "success": result.success,
                "unexpected": {
                    f"{r.expectation_config.type}:{r.expectation_config.kwargs.get('column')}": r.result.get("unexpected_count")
                    for r in result.results
                },
            }
        ),
        flush=True,
    )


for round_number in range(rounds):
    for result_format in result_formats:
        validate(round_number, result_format)
spark.stop()
