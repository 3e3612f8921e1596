"""Raw zone: the CSV transactions, as a streaming table. Each run reads only the files that arrived
since the last one (the stream's checkpoint lives under the pipeline's storage)."""

from pyspark import pipelines as dp


@dp.table(comment="Raw zone: CSV transaction files as they arrive (header, inferred schema).")
def raw_transactions_csv():
    raw = spark.conf.get("retail.raw")  # noqa: F821 - `spark` is given to every pipeline definition file
    return spark.readStream.format("csv").option("header", "true").option("inferSchema", "true").load(f"{raw}/csv")  # noqa: F821
