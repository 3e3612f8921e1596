"""The retail example on a schedule, split like a data platform's DAGs: ingestion brings the raw zone up to
date (files, the CRM over JDBC, the exchange-rate API); processing, scheduled by the raw zone's asset
rather than by the clock, builds the curated and analytics zones, trains the churn model headless and
scores every customer with it. Every task is one spark-workbench command (spark_workbench_commands.py);
Spark does the work on the environment's server, so the Airflow worker only needs the CLI, Node.js and
the project's files.

Parameters (Trigger DAG w/ config, or the defaults below from Airflow Variables):
  target   the environment of spark-workbench.yml (its server, schema, settings; the token from
           $SPARK_WORKBENCH_TOKEN_<TARGET> in the worker's environment)
  schema   the environment's schema, which the model notebook reads its features from
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from spark_workbench_commands import (  # noqa: E402
    INGESTION_DATASETS,
    PROCESSING_DATASETS,
    SCORING_DATASETS,
    pipeline_run,
    shell,
    train_model,
)

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, Asset
except ImportError:  # Airflow 2.4+
    from airflow import DAG
    from airflow.datasets import Dataset as Asset
    from airflow.operators.bash import BashOperator

#: The pipeline project (spark-pipeline.yml, spark-workbench.yml, churn_model.ipynb) on the worker.
PROJECT = os.environ.get("SPARK_WORKBENCH_PROJECT", "/opt/airflow/projects/retail")
#: Where node_exporter's textfile collector reads the runs' metrics.
METRICS_DIR = os.environ.get("SPARK_WORKBENCH_METRICS_DIR", "/var/lib/node_exporter/textfile")
#: Where the executed model notebooks are kept (one per run).
NOTEBOOKS_DIR = os.environ.get("SPARK_WORKBENCH_NOTEBOOKS_DIR", "/opt/airflow/projects/retail/runs")
TARGET = "{{ params.target }}"
SCHEMA = "{{ params.schema }}"

RAW_ZONE = Asset("spark-workbench://retail/raw")
DEFAULTS = {"retries": 1, "retry_delay": timedelta(minutes=5)}
PARAMS = {
    "target": os.environ.get("SPARK_WORKBENCH_TARGET", "prod"),
    "schema": os.environ.get("SPARK_WORKBENCH_SCHEMA", "retail"),
    "models": os.environ.get("SPARK_WORKBENCH_MODELS", "file:///opt/airflow/projects/retail/storage/models/churn"),
}
#: What both DAGs share: no backfill, one run at a time, the same parameters.
COMMON = {
    "start_date": datetime(2026, 1, 1),
    "catchup": False,
    "max_active_runs": 1,
    "default_args": DEFAULTS,
    "params": PARAMS,
    "tags": ["spark-workbench", "retail"],
}

with DAG(
    dag_id="retail_ingestion",
    description="The retail raw zone: CSV and JSON files, the CRM's customers (JDBC), exchange rates (HTTP API)",
    schedule="0 2 * * *",
    **COMMON,
) as ingestion:
    BashOperator(
        task_id="ingest_raw_zone",
        bash_command=shell(pipeline_run(PROJECT, TARGET, INGESTION_DATASETS, "ingestion", METRICS_DIR)),
        outlets=[RAW_ZONE],
    )

with DAG(
    dag_id="retail_processing",
    description="The retail curated and analytics zones, the churn model trained headless, and the scores",
    schedule=[RAW_ZONE],
    **COMMON,
) as processing:
    transform = BashOperator(
        task_id="build_curated_and_features",
        bash_command=shell(pipeline_run(PROJECT, TARGET, PROCESSING_DATASETS, "processing", METRICS_DIR)),
    )
    train = BashOperator(
        task_id="train_churn_model",
        bash_command=shell(
            train_model(PROJECT, TARGET, SCHEMA, "{{ params.models }}", f"{NOTEBOOKS_DIR}/churn_model.{{{{ ds }}}}.ipynb")
        ),
    )
    score = BashOperator(
        task_id="score_customers",
        bash_command=shell(pipeline_run(PROJECT, TARGET, SCORING_DATASETS, "scoring", METRICS_DIR)),
    )
    transform >> train >> score
