"""Scores: each customer's churn probability from their features of the latest day, by the newest churn
model that churn_model.ipynb saved under the pipeline's storage (`retail.models`). The model is loaded
here, when Spark registers this file; the run names its version. Until a model is saved, the run skips
this dataset and says why. Training never happens here: Spark calls definitions before the datasets
upstream are refreshed (see docs/features.md)."""

from pyspark import pipelines as dp
from pyspark.ml.functions import vector_to_array
from pyspark.sql import functions as F
from spark_workbench_models import latest_model, skip_dataset

models = spark.conf.get("retail.models")  # noqa: F821 - `spark` is given to every pipeline definition file
churn = latest_model(spark, models)  # noqa: F821


@dp.materialized_view(comment="Scores: churn probability per customer as of the latest day, with the model version used.")
def customer_churn_scores():
    if churn is None:
        skip_dataset(f"no churn model saved under {models} yet: run churn_model.ipynb, then the pipeline again")
    features = spark.read.table("customer_features")  # noqa: F821
    latest = features.join(features.agg(F.max("as_of").alias("as_of")), "as_of")
    scored = churn.model.transform(
        latest.select("customer_id", "as_of", F.col("recency_days").alias("feature1"), F.col("frequency_7d").alias("feature2"))
    )
    return scored.select(
        "customer_id",
        "as_of",
        vector_to_array("probability")[1].alias("churn_probability"),
        F.col("prediction").cast("int").alias("predicted_churn"),
        F.lit(churn.name).alias("model_version"),
    )
