"""Point-in-time training sets: each label joined with each feature table's latest row at or before the
label's time, never after (no leakage), optionally no older than a maximum age.

    from spark_workbench_features import FeatureTable, training_set, training_set_sql

    customers = FeatureTable("retail.customer_features", keys=["customer_id"], timestamp="feature_time")
    train = training_set(spark, "retail.churn_labels", label_time="label_time", features=[customers], max_age="90 days")
    print(training_set_sql("retail.churn_labels", label_time="label_time", features=[customers]))

Spark 4.2 SQL has no ASOF JOIN, so the query is portable SQL that Spark plans as one sort per feature
table: the labels and the feature rows of a key in one window ordered by time (a feature row before a
label at the same instant; of two rows of a key at one instant, the greater values last), each label
taking the last feature row seen. Unlike a join on
`feature_time <= label_time` followed by ROW_NUMBER (Feast's way), no label meets every older row of its
key. A label whose key is NULL, or that no feature row precedes, gets NULL features.

Only Spark SQL runs: labels and feature tables are tables (by name) or DataFrames (shown to the query as
temporary views, so not inside a pipeline definition, where Spark forbids them: use tables there).
"""

import re
import uuid

_AGE = re.compile(r"^\s*(\d+)\s+(second|minute|hour|day|week)s?\s*$", re.IGNORECASE)


class FeatureTable:
    """A table of feature values over time: its entity keys, its timestamp, and the features to take
    (default: every other column)."""

    def __init__(self, source, keys, timestamp, features=None, prefix=""):
        self.source = source
        self.keys = [keys] if isinstance(keys, str) else list(keys)
        self.timestamp = timestamp
        self.features = None if features is None else list(features)
        self.prefix = prefix
        if not self.keys:
            raise ValueError("A feature table needs at least one key column.")


def _quote(name):
    return "`" + name.replace("`", "``") + "`"


def _table(spark, source):
    """A table's name as SQL reads it; a DataFrame becomes a temporary view of its own."""
    if isinstance(source, str):
        return source
    view = f"__sw_pit_{uuid.uuid4().hex[:12]}"
    source.createOrReplaceTempView(view)
    return view


def _interval(max_age):
    match = _AGE.match(max_age or "")
    if not match:
        raise ValueError(f"max_age is a number and a unit (seconds, minutes, hours, days, weeks), e.g. '90 days', not {max_age!r}.")
    count, unit = int(match.group(1)), match.group(2).upper()
    if unit == "WEEK":
        count, unit = count * 7, "DAY"
    return f"INTERVAL {count} {unit}S" if count != 1 else f"INTERVAL 1 {unit}"


def training_set_sql(labels, label_time, features, max_age=None, feature_columns=None, label_columns=None):
    """The training set as Spark SQL text, to read and copy. `labels` and each feature table's source are
    table names here; `feature_columns` (per table) and `label_columns` name the columns when the caller
    knows them (training_set reads them from the catalog), else every column of the table is taken."""
    age = _interval(max_age) if max_age else None
    steps = [f"step_0 AS (\n  SELECT * FROM {labels}\n)"]
    for index, table in enumerate(features, start=1):
        columns = (feature_columns or {}).get(index - 1) or table.features
        if columns is None:
            raise ValueError(f"The feature columns of {table.source} are needed: give FeatureTable(features=[…]).")
        clash = [c for c in columns if label_columns and (table.prefix + c) in label_columns]
        if clash:
            raise ValueError(
                f"{table.source}'s feature {clash[0]!r} has the name of a column the labels already have: give the table a prefix."
            )
        keys = ", ".join(_quote(k) for k in table.keys)
        taken = ", ".join([f"{_quote(table.timestamp)} AS __ts"] + [_quote(c) for c in columns])
        kept = ",\n         ".join(
            (f"CASE WHEN __f.__ts >= __row.{_quote(label_time)} - {age} THEN __f.{_quote(c)} END" if age else f"__f.{_quote(c)}")
            + f" AS {_quote(table.prefix + c)}"
            for c in columns
        )
        not_null = " AND ".join(f"{_quote(k)} IS NOT NULL" for k in table.keys)
        steps.append(
            f"""step_{index} AS (
  -- {table.source}: the latest row at or before each label's {label_time}{f", at most {max_age} old" if age else ""}
  SELECT __row.*,
         {kept}
  FROM (
    SELECT __is_label, __row,
           last(__f, true) OVER (PARTITION BY {keys} ORDER BY __t, __is_label, __f
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __f
    FROM (
      SELECT {keys}, {_quote(label_time)} AS __t, 1 AS __is_label, struct(*) AS __row, NULL AS __f
      FROM step_{index - 1}
      UNION ALL
      SELECT {keys}, {_quote(table.timestamp)} AS __t, 0 AS __is_label, NULL AS __row, struct({taken}) AS __f
      FROM {table.source}
      WHERE {not_null}
    )
  )
  WHERE __is_label = 1
)"""
        )
    return "WITH " + ",\n".join(steps) + f"\nSELECT * FROM step_{len(features)}"


def training_set(spark, labels, label_time, features, max_age=None):
    """The training set as a DataFrame: `labels` (a table name or a DataFrame) with the features of each
    FeatureTable as of each label's `label_time`."""
    if max_age:
        _interval(max_age)
    label_table = _table(spark, labels)
    label_columns = spark.table(label_table).columns
    if label_time not in label_columns:
        raise ValueError(f"The labels have no column {label_time!r} (they have {', '.join(label_columns)}).")
    resolved = []
    columns = {}
    for index, table in enumerate(features):
        source = _table(spark, table.source)
        known = spark.table(source).columns
        for name in table.keys + [table.timestamp]:
            if name not in known:
                raise ValueError(f"{table.source if isinstance(table.source, str) else 'A feature table'} has no column {name!r}.")
        for key in table.keys:
            if key not in label_columns:
                raise ValueError(f"The labels have no key column {key!r} of {source}.")
        columns[index] = table.features or [c for c in known if c not in table.keys and c != table.timestamp]
        for name in columns[index]:
            if table.prefix + name in label_columns:
                raise ValueError(
                    f"The feature {table.prefix + name!r} of {table.source if isinstance(table.source, str) else 'a feature table'} "
                    "has the name of a column the training set has already: give the table a prefix."
                )
        resolved.append(FeatureTable(source, table.keys, table.timestamp, columns[index], table.prefix))
        label_columns = label_columns + [table.prefix + c for c in columns[index]]
    sql = training_set_sql(
        label_table,
        label_time,
        resolved,
        max_age,
        feature_columns=columns,
        label_columns=spark.table(label_table).columns,
    )
    return spark.sql(sql)
