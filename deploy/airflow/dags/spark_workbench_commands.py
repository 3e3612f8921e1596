"""The spark-workbench command lines the retail DAGs run, one function per task, so that what a DAG
runs can be read, tested and run by hand without Airflow. Each returns the argument list of one
command; the DAGs quote it for the shell.

Every command names its environment with --target (spark-workbench.yml beside the pipeline: its Spark
server, schema, settings and variables; the token from $SPARK_WORKBENCH_TOKEN_<NAME> in the worker's
environment, never in Airflow). A scheduled run is the confirmation a production environment asks
for, so pipeline runs pass --yes.
"""

from __future__ import annotations

import shlex

#: The raw zone: files, the CRM's customers over JDBC and the exchange-rate API.
INGESTION_DATASETS = ("raw_transactions_csv", "raw_transactions_json", "raw_crm_customers", "raw_exchange_rates")
#: The curated and analytics zones built from the raw zone (the scoring runs after the model is trained).
PROCESSING_DATASETS = (
    "curated_transactions",
    "daily_segment_metrics",
    "trend_analysis",
    "curated_customers",
    "daily_revenue_by_currency",
    "churn_labels",
    "customer_features",
)
SCORING_DATASETS = ("customer_churn_scores",)


def pipeline_run(project: str, target: str, datasets: tuple[str, ...], step: str, metrics_dir: str, cli: str = "spark-workbench") -> list[str]:
    """`pipeline run` of some datasets of the project's pipeline, with its data-quality checks; its metrics
    go to `<metrics_dir>/spark_workbench_<step>.prom` for node_exporter's textfile collector, labelled
    with the step so each task keeps its own series."""
    return [
        cli, "pipeline", "run", f"{project}/spark-pipeline.yml",
        "--target", target, "--yes",
        "--refresh", ",".join(datasets),
        "--metrics-file", f"{metrics_dir}/spark_workbench_{step}.prom",
        "--metrics-step", step,
    ]  # fmt: skip


def train_model(project: str, target: str, schema: str, models: str, executed: str, cli: str = "spark-workbench") -> list[str]:
    """The churn model notebook, headless: trains on the feature tables and saves a new model version."""
    return [
        cli, "notebook", "run", f"{project}/churn_model.ipynb",
        "--target", target,
        "--param", f"database={schema}",
        "--param", f"models={models}",
        "--out", executed,
    ]  # fmt: skip


def shell(argv: list[str]) -> str:
    """One command line for a shell (BashOperator's bash_command)."""
    return shlex.join(argv)
