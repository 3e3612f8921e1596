"""Raw zone: daily exchange rates from the rates API (paged JSON over HTTP), read by Spark's Python
workers through the `http` data source the editor's session and the CLI register."""

from pyspark import pipelines as dp


@dp.materialized_view(comment="Raw zone: US dollar exchange rates per day, from the rates API.")
def raw_exchange_rates():
    api = spark.conf.get("retail.api")  # noqa: F821 - `spark` is given to every pipeline definition file
    return (
        spark.read.format("http")  # noqa: F821
        .option("url", f"{api}/rates")
        .option("paging", "page")
        .option("records", "rates")
        .option("schema", "date STRING, currency STRING, rate DOUBLE")
        .load()
    )
