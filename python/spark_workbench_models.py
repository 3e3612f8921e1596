"""Versioned models under a folder of the Spark server's filesystem (a pipeline's storage): each save is a
new version `v1`, `v2`, … with its metrics and the time range of its training set recorded beside it, and
a pipeline definition loads the newest.

    from spark_workbench_models import save_model, latest_model, skip_dataset

    saved = save_model(spark, fitted, "file:///…/storage/models/churn",
                       metrics={"areaUnderROC": 0.81}, training_from=first, training_to=last)

    churn = latest_model(spark, "file:///…/storage/models/churn")   # None when none was saved
    @dp.materialized_view
    def customer_churn_scores():
        if churn is None:
            skip_dataset("no churn model saved yet")
        return churn.model.transform(spark.read.table("customer_features"))

Models are written and read by the server (paths are the server's, and the model bytes never reach the
client). A version's record is written after its model, so a version whose save did not finish has no
record and is never taken. Load a model at the top of a definition file, not inside the decorated
function: Spark forbids analysis and execution there.
"""

import json
import re
from datetime import datetime, timezone

_RECORD = "workbench_model"
_VERSION = re.compile(r"/v(\d+)/" + _RECORD + r"/")

# What the definitions loaded, for the pipeline run to report (the helper reads and clears it).
_run_notes = []

# Loaded models by session and path, kept while this process lives: a pipeline run registers its files
# twice (see the helper), and a model let go is dropped from the server's ML cache, which would take the
# same path's model loaded again with it.
_loaded = {}


class DatasetSkipped(Exception):
    """Raised in a pipeline definition's function: the dataset is left out of this run, with the reason.
    Spark Workbench's runs report it as skipped; Spark's own `spark-pipelines` fails the run with it."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def skip_dataset(reason):
    raise DatasetSkipped(reason)


def note(message):
    """A line the pipeline run shows with its events (Spark Workbench's runs only)."""
    _run_notes.append(str(message))


class ModelVersion:
    """One saved version: its number, path, metrics and training-set time range."""

    def __init__(self, spark, root, record):
        self._spark = spark
        self._model = None
        self.root = root
        self.version = int(record["version"])
        self.name = f"v{self.version}"
        self.path = record["path"]
        self.metrics = record.get("metrics", {})
        self.training_from = record.get("training_from")
        self.training_to = record.get("training_to")
        self.saved_at = record.get("saved_at")
        self.record = record

    @property
    def model(self):
        """The fitted PipelineModel, loaded by the server on first use."""
        if self._model is None:
            from pyspark.ml import PipelineModel

            key = (id(self._spark), self.path)
            if key not in _loaded:
                _loaded[key] = PipelineModel.load(self.path)
            self._model = _loaded[key]
        return self._model

    def describe(self):
        metrics = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in self.metrics.items())
        return f"{self.name} (saved {self.saved_at}{'; ' + metrics if metrics else ''}) at {self.path}"

    def __repr__(self):
        return f"ModelVersion({self.describe()})"


def _root(root):
    return root.rstrip("/")


def list_models(spark, root):
    """The saved versions under `root`, oldest first (none when the folder does not exist)."""
    from pyspark.errors import AnalysisException

    try:
        rows = spark.read.text(f"{_root(root)}/v*/{_RECORD}").select("value", "_metadata.file_path").collect()
    except AnalysisException as error:
        if "PATH_NOT_FOUND" in str(error) or (getattr(error, "getCondition", lambda: None)() == "PATH_NOT_FOUND"):
            return []
        raise
    versions = {}
    for row in rows:
        match = _VERSION.search(row.file_path)
        if not match:
            continue
        record = json.loads(row.value)
        if int(record.get("version", -1)) == int(match.group(1)):
            versions[int(match.group(1))] = ModelVersion(spark, root, record)
    return [versions[v] for v in sorted(versions)]


def latest_model(spark, root):
    """The newest saved version under `root`, its model loaded, or None. In a pipeline run, the run names
    the version."""
    versions = list_models(spark, root)
    if not versions:
        return None
    newest = versions[-1]
    newest.model  # noqa: B018 - loaded now: a pipeline's query function may not load it
    note(f"Model {newest.describe()}")
    return newest


def _text(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def save_model(spark, model, root, metrics=None, training_from=None, training_to=None, details=None):
    """Saves a fitted model as the next version under `root` and records its metrics and training-set
    time range beside it; returns the ModelVersion."""
    versions = list_models(spark, root)
    version = versions[-1].version + 1 if versions else 1
    path = f"{_root(root)}/v{version}"
    model.write().overwrite().save(path)
    record = {
        "version": version,
        "path": path,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "metrics": {k: (v if isinstance(v, (bool, int, str)) or v is None else float(v)) for k, v in (metrics or {}).items()},
        "training_from": _text(training_from),
        "training_to": _text(training_to),
        **({"details": details} if details else {}),
    }
    spark.createDataFrame([(json.dumps(record),)], "value STRING").coalesce(1).write.mode("overwrite").text(f"{path}/{_RECORD}")
    return ModelVersion(spark, root, record)
