"""Notebook cells for Spark Workbench's Python helper: each notebook gets an IPython shell of its own
(its own variables and execution count) whose `spark` is pyspark's Spark Connect client joined to the
editor's Spark session, so temp views and settings are shared with the notebook's SQL cells.

What a cell produces is sent back as events while it runs: `stream` (stdout/stderr as written),
`display` (a MIME bundle, from display() or the cell's last expression) and `clear`. A Spark DataFrame
is not converted here: its display carries the DataFrame's plan, which the extension runs with its own
client to show the rows as Arrow, like a SQL cell's.
"""

import base64
import io
import math
import signal
import sys

PLAN_MIME = "application/vnd.spark-workbench.plan+json"

_shells = {}
_current = {"emit": None, "executing": False}


def _emit(event):
    emit = _current["emit"]
    if emit is not None:
        emit(event)


def _shell_classes():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class CellDisplayPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            _emit({"type": "display", "data": _jsonable(data), "metadata": _jsonable(metadata or {})})

        def clear_output(self, wait=False):
            _emit({"type": "clear", "wait": bool(wait)})

    class CellDisplayHook(DisplayHook):
        """The last expression's value, as an execute result."""

        def start_displayhook(self):
            self._bundle = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self._bundle = (format_dict, md_dict or {})

        def finish_displayhook(self):
            if self._bundle is not None:
                data, metadata = self._bundle
                _emit({"type": "display", "data": _jsonable(data), "metadata": _jsonable(metadata), "result": True})
            self._bundle = None

    class CellShell(InteractiveShell):
        displayhook_class = Type(CellDisplayHook)
        display_pub_class = Type(CellDisplayPublisher)

        def _showtraceback(self, etype, evalue, stb):
            self._cell_error = {
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue),
                "traceback": list(stb),
            }

    return CellShell


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class _StreamToCell(io.TextIOBase):
    """sys.stdout or sys.stderr while a cell runs: what it writes goes to the cell as it comes."""

    def __init__(self, name):
        self.name = name

    def writable(self):
        return True

    def write(self, text):
        if text:
            _emit({"type": "stream", "name": self.name, "text": str(text)})
        return len(text)

    def isatty(self):
        return False


def _dataframe_formatter(spark_client_of):
    def to_bundle(df, include=None, exclude=None):
        plan = df._plan.to_proto(spark_client_of(df))
        columns = ", ".join(f"{f.name}: {f.dataType.simpleString()}" for f in df.schema.fields)
        return {
            PLAN_MIME: {"plan": base64.b64encode(plan.SerializeToString()).decode("ascii")},
            "text/plain": f"DataFrame[{columns}]",
        }

    return to_bundle


def _shell(notebook, spark):
    entry = _shells.get(notebook)
    if entry is not None and entry["spark"] is spark:
        return entry["shell"]
    from pyspark.sql.connect.dataframe import DataFrame
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "Neutral"
    shell = _shell_classes()(config=config)
    shell.user_ns["spark"] = spark
    shell.display_formatter.mimebundle_formatter.for_type(DataFrame, _dataframe_formatter(lambda df: df._session.client))
    # matplotlib figures as PNG in the cell, as Jupyter shows them.
    try:
        shell.run_line_magic("matplotlib", "inline")
    except Exception:  # noqa: BLE001 - matplotlib is optional
        pass
    _shells[notebook] = {"shell": shell, "spark": spark}
    return shell


def _interrupt(_signum, _frame):
    # SIGINT stops the cell that runs; between cells it is ignored (the helper keeps serving).
    if _current["executing"]:
        raise KeyboardInterrupt


def install_interrupt_handler():
    signal.signal(signal.SIGINT, _interrupt)


def execute_cell(spark, params, emit):
    """Runs one cell's code in its notebook's shell; answers its status and execution count."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = _shell(params["notebook"], spark)
    InteractiveShell._instance = shell  # display() publishes through the shell of the running cell
    shell._cell_error = None
    if params.get("executionCount"):
        # The notebook's order number, so tracebacks name the cell as the notebook shows it.
        shell.execution_count = int(params["executionCount"])
    tag = params.get("tag")
    saved = sys.stdout, sys.stderr

    def progress(stages, inflight_tasks, operation_id, done):
        _emit(
            {
                "type": "progress",
                "stages": [
                    {"stageId": s.stage_id, "numTasks": s.num_tasks, "completedTasks": s.num_completed_tasks,
                     "inputBytesRead": s.num_bytes_read, "done": s.done}
                    for s in (stages or [])
                ],
                "inflightTasks": inflight_tasks,
            }
        )

    spark.registerProgressHandler(progress)
    _current["emit"] = emit
    sys.stdout, sys.stderr = _StreamToCell("stdout"), _StreamToCell("stderr")
    if tag:
        spark.addTag(tag)
    _current["executing"] = True
    try:
        result = shell.run_cell(params["code"], store_history=True)
    finally:
        _current["executing"] = False
        if tag:
            spark.removeTag(tag)
        spark.removeProgressHandler(progress)
        sys.stdout.flush()
        sys.stdout, sys.stderr = saved
        _current["emit"] = None
    error = shell._cell_error
    answer = {"executionCount": shell.execution_count - 1, "status": "ok" if result.success and not error else "error"}
    if error:
        answer["error"] = error
    elif not result.success:
        failure = result.error_in_exec or result.error_before_exec
        answer["error"] = {"ename": type(failure).__name__, "evalue": str(failure), "traceback": []}
    return answer


def variable_values(params):
    """The named variables of a notebook's shell as SQL parameter values (missing ones are left out)."""
    import datetime
    import decimal

    entry = _shells.get(params["notebook"])
    namespace = entry["shell"].user_ns if entry else {}
    values = {}
    for name in params["names"]:
        if name not in namespace:
            continue
        value = namespace[name]
        if value is None:
            values[name] = {"type": "null"}
        elif isinstance(value, bool):
            values[name] = {"type": "boolean", "value": value}
        elif isinstance(value, int):
            values[name] = {"type": "integer", "value": str(value)}
        elif isinstance(value, float):
            # NaN and the infinities as text (JSON has no such numbers); the extension reads them back.
            values[name] = {"type": "double", "value": value if math.isfinite(value) else repr(value).replace("nan", "NaN").replace("inf", "Infinity")}
        elif isinstance(value, decimal.Decimal):
            values[name] = {"type": "decimal", "value": str(value)}
        elif isinstance(value, datetime.datetime):
            values[name] = {"type": "timestamp", "value": value.isoformat()}
        elif isinstance(value, datetime.date):
            values[name] = {"type": "date", "value": value.isoformat()}
        elif isinstance(value, str):
            values[name] = {"type": "string", "value": value}
        else:
            values[name] = {"type": "unsupported", "value": type(value).__name__}
    return values


def forget_notebook(params):
    _shells.pop(params["notebook"], None)
    return {}
