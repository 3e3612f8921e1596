"""Spark Workbench's Python helper: one process per window, joined to the editor's Spark session.

It speaks JSON lines on its standard input and output: one request per line in, one answer per line
out ({"id", "result"} or {"id", "error"}). Whatever user code prints goes to standard error, which the
extension shows in its log, so it can never be mistaken for an answer.

Requests:
  ping                   -> {"python", "pyspark"}
  connect                -> {} once the editor's session is joined (a warm-up before registering)
  registerPipelineFiles  -> runs pipeline definition files (.py) the way `spark-pipelines` does, with
                            pyspark's own registration, into a dataflow graph the extension created in
                            the same Spark session; answers what they defined (outputs, flows, the
                            tables each flow reads, the expectations declared with @dp.expect…, and
                            where each was declared).
  executeCell            -> runs a notebook cell's Python in that notebook's IPython shell, on the
                            editor's session (notebook_cells.py); while it runs, events
                            {"id", "event"} stream its output; SIGINT interrupts it.
  variableValues         -> a notebook's named Python variables as SQL parameter values.
  forgetNotebook         -> drops a notebook's shell (its variables).

Expectations: open-source pyspark has no `dp.expect…`; the helper gives `pyspark.pipelines` the
decorators Lakeflow users know (expect, expect_or_drop, expect_or_fail and their _all forms). Stacked
under @dp.materialized_view / @dp.table they record the expectation on the function; when its flow is
registered, drop and fail wrap the DataFrame in a filter (a violating row is one whose condition is
false or NULL), and a batch DataFrame before that filter becomes a session temporary view, so the
extension can count the rows dropped after the run.
"""

import importlib.util
import json
import os
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

import spark_workbench_models
from spark_workbench_models import DatasetSkipped

# Answers go to the original standard output; print() in user code goes to standard error from now on.
_answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

_sessions = {}

EXPECTATION_FAILED = "SPARK_WORKBENCH_EXPECTATION_FAILED"


def _expectation_decorator(action, many):
    """dp.expect(name, condition) and friends; dp.expect_all({name: condition, ...}) for `many`."""

    def declare(*args):
        caller = sys._getframe(1)
        pairs = list(args[0].items()) if many else [(args[0], args[1])]

        def decorate(function):
            recorded = getattr(function, "_sw_expectations", [])
            for name, condition in pairs:
                recorded.append(
                    {"name": str(name), "condition": str(condition), "action": action,
                     "file": caller.f_code.co_filename, "line": caller.f_lineno}
                )
            function._sw_expectations = recorded
            return function

        return decorate

    return declare


def _install_expectations():
    import pyspark.pipelines as dp

    for action, suffix in (("keep", ""), ("drop", "_or_drop"), ("fail", "_or_fail")):
        setattr(dp, f"expect{suffix}", _expectation_decorator(action, False))
        setattr(dp, f"expect_all{suffix}", _expectation_decorator(action, True))


def _sql_text(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _apply_expectations(df, dataset, expectations):
    """The DataFrame with drop and fail expectations applied (keep ones are counted after the run)."""
    from urllib.parse import quote

    from pyspark.sql import functions as F

    for e in expectations:
        if e["action"] == "drop":
            df = df.filter(F.expr(f"coalesce(({e['condition']}), false)"))
        elif e["action"] == "fail":
            marker = f"{EXPECTATION_FAILED} dataset={quote(dataset, safe='.')} expectation={quote(e['name'], safe='')} row="
            df = df.filter(
                F.expr(
                    f"CASE WHEN coalesce(({e['condition']}), false) THEN TRUE "
                    f"ELSE raise_error(concat({_sql_text(marker)}, to_json(struct(*), map('ignoreNullFields', 'false')))) END"
                )
            )
    return df


def _session(remote):
    """One Spark Connect session per URL: the URL names the editor's session id and user id."""
    if remote not in _sessions:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.remote(remote).create()
        import spark_workbench_http

        # spark.read.format("http") in notebooks and Python definitions (per session, so here). A server
        # that refuses Python data sources still serves everything else.
        try:
            spark_workbench_http.register(spark)
        except Exception as error:  # noqa: BLE001 - reported, never fatal to the session
            print(f"The http data source could not be registered: {error}", file=sys.stderr, flush=True)
        _sessions[remote] = spark
    return _sessions[remote]


@contextmanager
def _working_directory(path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _source_read(data_source):
    """A data source a plan reads, named as Spark SQL names a path's table: format.`where` (csv.`/raw/csv`,
    http.`https://api.example.com/v1/rates`, jdbc.`jdbc:postgresql://db:5432/crm/customers`). Without a
    URL's query, user or password: the name is shown in the graph."""
    from urllib.parse import urlsplit, urlunsplit

    options = {key.lower(): value for key, value in data_source.options.items()}
    where = options.get("url") or options.get("path") or (data_source.paths[0] if data_source.paths else "")
    if not where:
        return None
    if data_source.format.lower() == "jdbc" and (options.get("dbtable") or options.get("query")):
        where = f"{where.split('?')[0]}/{options.get('dbtable') or 'query'}"
    parts = urlsplit(where)
    if parts.scheme and parts.netloc:
        where = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))
    else:
        where = where.split("?")[0]
    return f"{data_source.format or 'source'}.`{where.replace('`', '``')}`"


def _fields(message, in_model=False):
    """Every field of a plan, depth first, each with whether it lies under an ML relation (a model's
    input): (name, value, in_model)."""
    for field, value in message.ListFields():
        yield field.name, value, in_model
        if field.type == field.TYPE_MESSAGE:
            repeated = getattr(field, "is_repeated", None)
            if repeated is None:
                repeated = field.label == field.LABEL_REPEATED
            for item in value if repeated else [value]:
                if hasattr(item, "ListFields"):
                    yield from _fields(item, in_model or field.name == "ml_relation")


def _tables_read(message, found):
    """Names of the tables a plan reads (spark.read.table, spark.readStream.table), and of the data
    sources it reads (spark.read.format(…).load(…)), in order."""
    for name, value, _ in _fields(message):
        if name == "named_table" and value.unparsed_identifier:
            if value.unparsed_identifier not in found:
                found.append(value.unparsed_identifier)
        if name == "data_source" and hasattr(value, "format"):
            source = _source_read(value)
            if source and source not in found:
                found.append(source)
    return found


def _uses_model(message):
    """Whether a plan applies a fitted ML model (an ML relation: model.transform)."""
    return any(name == "ml_relation" for name, _, _ in _fields(message))


def _qualify_model_inputs(message, schema):
    """Qualifies the short table names a model reads with the pipeline's schema: Spark resolves a
    model's input when the flow is defined, outside the graph, where the short names mean nothing."""
    for name, value, in_model in _fields(message):
        if in_model and name == "named_table" and value.unparsed_identifier and "." not in value.unparsed_identifier:
            value.unparsed_identifier = f"{schema}.`{value.unparsed_identifier.replace('`', '``')}`"


def _recording_registry(spark, graph_id, root, defer_model_flows=False, schema=None):
    from pyspark.pipelines.spark_connect_graph_element_registry import SparkConnectGraphElementRegistry
    from pyspark.pipelines.add_pipeline_analysis_context import add_pipeline_analysis_context
    from pyspark.pipelines.spark_connect_graph_element_registry import source_code_location_to_proto
    import pyspark.sql.connect.proto as pb2

    def at(filename, line):
        path = Path(filename)
        try:
            path = path.resolve().relative_to(Path(root).resolve())
        except ValueError:
            pass
        return {"file": str(path), "line": line}

    def where(location):
        return at(location.filename, location.line_number)

    class RecordingRegistry(SparkConnectGraphElementRegistry):
        """Records what the files define; sends it to Spark once every file ran (`send`), leaving out
        the datasets whose every flow skipped itself (spark_workbench_models.skip_dataset), and, when
        asked, those whose flow applies a model: Spark binds a model's input to the tables as they are
        when the flow is defined, so those run in a second graph, defined after the first run."""

        def __init__(self):
            super().__init__(spark, graph_id)
            self.outputs = []
            self.flows = []
            self.unfiltered = []
            self.skipped = []
            self.deferred = []
            self._pending_outputs = []
            self._commands = []

        def register_output(self, output):
            self._pending_outputs.append(output)

        def send(self):
            skipped = {s["name"] for s in self.skipped} - {f["target"] for f in self.flows}
            self.skipped = [s for s in self.skipped if s["name"] in skipped]
            deferred = {d["name"] for d in self.deferred}
            for output in self._pending_outputs:
                if output.name in skipped or output.name in deferred:
                    for entry in self.skipped + self.deferred:
                        if entry["name"] == output.name:
                            entry["type"] = type(output).__name__
                    continue
                properties = dict(getattr(output, "table_properties", None) or {})
                self.outputs.append(
                    {"name": output.name, "type": type(output).__name__, **where(output.source_code_location),
                     **({"tableProperties": properties} if properties else {})}
                )
                super().register_output(output)
            for command in self._commands:
                self._client.execute_command(command)

        def register_flow(self, flow):
            # As pyspark's own registry does, keeping the plan to read the tables it uses.
            with add_pipeline_analysis_context(spark=spark, dataflow_graph_id=graph_id, flow_name=flow.name):
                try:
                    df = flow.func()
                except DatasetSkipped as skip:
                    self.skipped.append({"name": flow.target, "reason": skip.reason, **where(flow.source_code_location)})
                    return
            expectations = [
                {**e, **at(e["file"], e["line"])}
                for e in getattr(flow.func, "_sw_expectations", [])
            ]
            if any(e["action"] == "drop" for e in expectations) and not df.isStreaming:
                # Counted after the run: the rows before the filter, as a view of this session.
                self.unfiltered.append((f"_sw_unfiltered_{len(self.unfiltered)}", df, flow.target))
            relation = df._plan.plan(self._client)
            reads = _tables_read(relation, [])
            if _uses_model(relation):
                if defer_model_flows:
                    self.deferred.append({"name": flow.target, "reads": reads, **where(flow.source_code_location)})
                    return
                if schema:
                    _qualify_model_inputs(relation, schema)
            if expectations:
                relation = _apply_expectations(df, flow.target, expectations)._plan.plan(self._client)
            self.flows.append(
                {"name": flow.name, "target": flow.target, "reads": reads, **where(flow.source_code_location),
                 "expectations": expectations}
            )
            command = pb2.Command()
            command.pipeline_command.define_flow.CopyFrom(
                pb2.PipelineCommand.DefineFlow(
                    dataflow_graph_id=graph_id,
                    flow_name=flow.name,
                    target_dataset_name=flow.target,
                    relation_flow_details=pb2.PipelineCommand.DefineFlow.WriteRelationFlowDetails(relation=relation),
                    sql_conf=flow.spark_conf,
                    source_code_location=source_code_location_to_proto(flow.source_code_location),
                )
            )
            self._commands.append(command)

    return RecordingRegistry()


def register_pipeline_files(params):
    from pyspark.pipelines.graph_element_registry import graph_element_registration_context
    from pyspark.pipelines.add_pipeline_analysis_context import add_pipeline_analysis_context
    from pyspark.pipelines.block_session_mutations import block_session_mutations

    _install_expectations()
    spark_workbench_models._run_notes.clear()
    spark = _session(params["remote"])
    graph_id = params["graphId"]
    root = params["root"]
    registry = _recording_registry(spark, graph_id, root, params.get("deferModelFlows", False), params.get("schema"))
    with _working_directory(root), graph_element_registration_context(registry):
        for relative in params["files"]:
            file = Path(root) / relative
            module_spec = importlib.util.spec_from_file_location(file.stem, str(file))
            module = importlib.util.module_from_spec(module_spec)
            module.__dict__["spark"] = spark
            try:
                with add_pipeline_analysis_context(spark=spark, dataflow_graph_id=graph_id, flow_name=None):
                    with block_session_mutations():
                        module_spec.loader.exec_module(module)
            except DatasetSkipped as skip:
                skip.args = (f"skip_dataset() belongs in a definition's function (it skips that dataset), not at a file's top level: {skip.reason}",)
                raise DefinitionError(skip, file, root) from skip
            except Exception as error:  # noqa: BLE001 - every failure of user code is reported, located
                raise DefinitionError(error, file, root) from error
        registry.send()
    views = {}
    for view, df, target in registry.unfiltered:
        df.createOrReplaceTempView(view)
        views[target] = view
    for flow in registry.flows:
        if flow["target"] in views:
            flow["unfilteredView"] = views[flow["target"]]
    notes = list(spark_workbench_models._run_notes)
    return {"outputs": registry.outputs, "flows": registry.flows, "skipped": registry.skipped,
            "deferred": registry.deferred, "notes": notes}


class DefinitionError(Exception):
    """A definition file failed: the error, and the deepest line of that file in its traceback."""

    def __init__(self, error, file, root):
        super().__init__(str(error))
        self.error = error
        self.file = str(Path(file).resolve().relative_to(Path(root).resolve()))
        self.line = None
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == Path(file).resolve():
                self.line = frame.lineno
        if self.line is None and isinstance(error, SyntaxError) and error.lineno:
            self.line = error.lineno


def _describe(error):
    cause = error.error if isinstance(error, DefinitionError) else error
    described = {
        "message": str(cause).strip() or type(cause).__name__,
        "type": type(cause).__name__,
        "traceback": "".join(traceback.format_exception(type(cause), cause, cause.__traceback__))[-8000:],
    }
    condition = getattr(cause, "getCondition", None)
    if callable(condition):
        try:
            described["errorClass"] = condition()
        except Exception:  # noqa: BLE001
            pass
    if isinstance(error, DefinitionError):
        described["file"] = error.file
        if error.line:
            described["line"] = error.line
    return described


def execute_cell(params, emit):
    import notebook_cells

    return notebook_cells.execute_cell(_session(params["remote"]), params, emit)


def variable_values(params):
    import notebook_cells

    return notebook_cells.variable_values(params)


def forget_notebook(params):
    import notebook_cells

    return notebook_cells.forget_notebook(params)


def ping(_params):
    import platform

    import pyspark

    return {"python": platform.python_version(), "pyspark": pyspark.__version__}


def connect(params):
    """Joins the session ahead of use (pyspark's imports and its session take a second or two)."""
    _session(params["remote"])
    import pyspark.pipelines  # noqa: F401 - imported now rather than when the files are registered

    return {}


# Each method's parameters and their types, checked before it runs (lists hold text).
PARAMS = {
    "connect": {"remote": str},
    "registerPipelineFiles": {"remote": str, "graphId": str, "root": str, "files": list},
    "executeCell": {"remote": str, "notebook": str, "code": str},
    "variableValues": {"notebook": str, "names": list},
    "forgetNotebook": {"notebook": str},
}


def _params_problem(method, params):
    for name, kind in PARAMS.get(method, {}).items():
        if name not in params:
            return f"{method} needs the parameter {name}."
        value = params[name]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(item, str) for item in value)):
            return f"{method}'s parameter {name} must be {'a list of text' if kind is list else 'text'}."
    return None


METHODS = {
    "ping": ping,
    "connect": connect,
    "registerPipelineFiles": register_pipeline_files,
    "variableValues": variable_values,
    "forgetNotebook": forget_notebook,
}
STREAMING_METHODS = {"executeCell": execute_cell}


# A request line longer than this is refused unread (the extension never sends one; a cell's code or a
# pipeline's file list is far smaller).
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def _jsonable(value):
    """The value with what JSON cannot hold made text: NaN and the infinities as JavaScript writes them."""
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _write(message):
    """One line of strict JSON: Python's NaN or Infinity would make a line JavaScript cannot parse."""
    try:
        text = json.dumps(message, allow_nan=False)
    except (TypeError, ValueError):
        text = json.dumps(_jsonable(message), allow_nan=False)
    _answers.write(text + "\n")
    _answers.flush()


def _request_lines(stream):
    """Each request line as bytes; None for one longer than MAX_REQUEST_BYTES, whose rest is skipped."""
    while True:
        line = stream.readline(MAX_REQUEST_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_REQUEST_BYTES and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


def _refusal(message, type_name="BadRequest"):
    return {"message": message, "type": type_name, "traceback": ""}


def _handle(line):
    """The answer to one request line; a line that is not a request gets an error answer, never a crash."""
    if line is None:
        return {"id": None, "error": _refusal(f"The request is longer than {MAX_REQUEST_BYTES} bytes.")}
    try:
        request = json.loads(line.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError) as error:
        return {"id": None, "error": _refusal(f"The request is not a JSON line: {error}")}
    if not isinstance(request, dict):
        return {"id": None, "error": _refusal("The request is not a JSON object.")}
    request_id = request.get("id")
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        return {"id": None, "error": _refusal("The request has no integer id.")}
    answer = {"id": request_id}
    method = request.get("method")
    params = request.get("params", {})
    if params is None:
        params = {}
    if not isinstance(method, str) or (method not in METHODS and method not in STREAMING_METHODS):
        answer["error"] = _refusal(f"Unknown method: {str(method)[:80]}.")
        return answer
    if not isinstance(params, dict):
        answer["error"] = _refusal("The request's params are not a JSON object.")
        return answer
    problem = _params_problem(method, params)
    if problem:
        answer["error"] = _refusal(problem)
        return answer
    try:
        if method in STREAMING_METHODS:
            emit = lambda event, id=answer["id"]: _write({"id": id, "event": event})  # noqa: E731
            answer["result"] = STREAMING_METHODS[method](params, emit)
        else:
            answer["result"] = METHODS[method](params)
    except KeyError as error:
        answer["error"] = _refusal(f"The request lacks the parameter {error}.")
    except Exception as error:  # noqa: BLE001 - the extension decides what to show
        answer["error"] = _describe(error)
    return answer


def main():
    import notebook_cells

    notebook_cells.install_interrupt_handler()
    for line in _request_lines(sys.stdin.buffer):
        if line is not None and not line.strip():
            continue
        _write(_handle(line))


if __name__ == "__main__":
    main()
