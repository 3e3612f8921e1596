"""An HTTP API as a Spark data source (pyspark.sql.datasource, Spark 4.0+): spark.read.format("http").

Registered in the editor's Spark session by the helper. Its code travels to Spark's Python workers by
value (cloudpickle), so the server needs nothing installed: only Python's standard library is used.

Options:
  url                     the endpoint (required)
  query.<name>            a query parameter
  header.<Name>           a request header; a value "env:NAME" is read from the environment of
                          Spark's Python worker, so a secret never sits in the plan
  records                 dotted path to the list of records in a JSON body (default: the body itself,
                          else its "data", "items" or "results")
  paging                  none | page | offset | cursor | next | link
                            page:   pageParam (page), startPage (1), pageSize + pageSizeParam (optional)
                            offset: offsetParam (offset), limitParam (limit), pageSize (100)
                            cursor: cursorParam (cursor), cursorPath (next_cursor): a dotted path to
                                    the next page's cursor in the body; startCursor (optional)
                            next:   nextPath, a dotted path to the next page's URL in the body
                            link:   the Link header's rel="next"
  partitions              page and offset paging read pages in this many partitions at once (4):
                          partition i reads pages i, i + n, i + 2n… until one comes back empty
  concurrency             requests each of those partitions keeps in flight (4)
  maxPages                stop after this many pages (safety bound; default 100000)
  timeout                 seconds per request (30)
  retries                 attempts after a failure: 429, 5xx, a timeout or a reset (5), waiting as
                          Retry-After says, else 0.5 s doubling
  minInterval             seconds between two requests of one partition (0: no rate limit)
  schema                  a DDL schema; without it the first page's records decide
  maxPagesPerBatch        a streaming read's pages per micro-batch at most (1000)

A streaming read (spark.readStream.format("http"), e.g. a pipeline's streaming table) keeps where it
stopped as its offset: the last page that had records and how many of them it took. The next micro-batch
asks for that page again, skips what it took and goes on from there, so only records added since are read
(with any paging; for cursor paging the cursor of that page must stay valid).
"""

import json
import os
import threading
import time

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition, SimpleDataSourceStreamReader

DEFAULT_RECORD_KEYS = ("data", "items", "results")


class HttpError(Exception):
    """A page that could not be read: says the URL, the page and why."""


def _option(options, name, default=None):
    for key, value in options.items():
        if key.lower() == name.lower():
            return value
    return default


def _prefixed(options, prefix):
    return {key[len(prefix) :]: value for key, value in options.items() if key.lower().startswith(prefix.lower())}


def _dig(value, path):
    for part in [p for p in (path or "").split(".") if p]:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _records_of(body, path, url):
    if path:
        records = _dig(body, path)
    elif isinstance(body, list):
        records = body
    else:
        records = next((body[key] for key in DEFAULT_RECORD_KEYS if isinstance(body, dict) and isinstance(body.get(key), list)), None)
    if not isinstance(records, list):
        raise HttpError(f"{url}: no list of records at '{path or 'the body'}' (option records)")
    return records


class _Client:
    """One partition's requests: retries with backoff, Retry-After honoured, a minimum interval."""

    def __init__(self, options):
        self.timeout = float(_option(options, "timeout", "30"))
        self.retries = int(_option(options, "retries", "5"))
        self.min_interval = float(_option(options, "minInterval", "0"))
        self.headers = {"Accept": "application/json", "User-Agent": "spark-workbench-http"}
        for name, value in _prefixed(options, "header.").items():
            self.headers[name] = os.environ.get(value[4:], "") if value.startswith("env:") else value
        self.last_request = 0.0
        self.pacing = threading.Lock()

    def _pace(self):
        with self.pacing:
            wait = self.min_interval - (time.monotonic() - self.last_request)
            if wait > 0:
                time.sleep(wait)
            self.last_request = time.monotonic()

    def get(self, url):
        """The JSON body and the headers of a page."""
        import urllib.error
        import urllib.request

        delay = 0.5
        for attempt in range(self.retries + 1):
            self._pace()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=self.headers), timeout=self.timeout) as response:
                    raw = response.read()
                    kind = response.headers.get("Content-Type", "")
                    try:
                        return json.loads(raw), response.headers
                    except ValueError:
                        raise HttpError(f"{url}: the answer is not JSON ({kind or 'no content type'}): {raw[:80]!r}")
            except urllib.error.HTTPError as error:
                retryable = error.code == 429 or error.code >= 500
                if not retryable or attempt == self.retries:
                    raise HttpError(f"{url}: HTTP {error.code} {error.reason}") from None
                after = error.headers.get("Retry-After")
                time.sleep(float(after) if after and after.replace(".", "", 1).isdigit() else delay)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                if attempt == self.retries:
                    raise HttpError(f"{url}: {getattr(error, 'reason', error)}") from None
                time.sleep(delay)
            delay = min(delay * 2, 30)
        raise HttpError(f"{url}: no answer")


def _with_query(url, params):
    from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def _next_link(headers):
    for part in (headers.get("Link") or "").split(","):
        if 'rel="next"' in part or "rel=next" in part:
            return part.split(";")[0].strip().strip("<>")
    return None


class _Pages(InputPartition):
    """Which pages a partition reads: every `step`-th from `first` (numbered paging), or all (links)."""

    def __init__(self, first, step):
        self.first = first
        self.step = step


def _widest(kinds):
    """The type that holds every value seen: numbers widen to double, anything mixed to string."""
    if not kinds:
        return "string"
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"bigint", "double"}:
        return "double"
    return "string"


def _spark_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "double"
    return "string"


class HttpDataSource(DataSource):
    @classmethod
    def name(cls):
        return "http"

    def schema(self):
        given = _option(self.options, "schema")
        if given:
            return given
        reader = HttpReader(self.options, None)
        records = [r for r in reader.first_page() if isinstance(r, dict)]
        if not records:
            raise HttpError(f"{reader.url}: the first page has no record to infer a schema from: set the option schema")
        seen = {}
        for one in records:
            for key, value in one.items():
                if value is not None:
                    seen.setdefault(key, set()).add(_spark_type(value))
                else:
                    seen.setdefault(key, set())
        return ", ".join(f"`{key.replace('`', '``')}` {_widest(kinds)}" for key, kinds in seen.items())

    def reader(self, schema):
        return HttpReader(self.options, schema)

    def simpleStreamReader(self, schema):
        return HttpStreamReader(self.options, schema)


class HttpReader(DataSourceReader):
    def __init__(self, options, schema):
        self.options = dict(options)
        self.url = _option(options, "url")
        if not self.url:
            raise HttpError("The http source needs the option url.")
        self.paging = (_option(options, "paging", "none") or "none").lower()
        if self.paging not in ("none", "page", "offset", "cursor", "next", "link"):
            raise HttpError(f"Unknown paging '{self.paging}': none, page, offset, cursor, next or link.")
        self.schema = schema
        self.fields = [(field.name, field.dataType.simpleString()) for field in schema.fields] if schema is not None else []
        self.max_pages = int(_option(options, "maxPages", "100000"))

    def partitions(self):
        if self.paging in ("page", "offset"):
            count = max(1, int(_option(self.options, "partitions", "4")))
            return [_Pages(i, count) for i in range(count)]
        return [_Pages(0, 1)]

    def _page_url(self, number):
        query = _prefixed(self.options, "query.")
        size = _option(self.options, "pageSize")
        if self.paging == "page":
            query[_option(self.options, "pageParam", "page")] = int(_option(self.options, "startPage", "1")) + number
            if size and _option(self.options, "pageSizeParam"):
                query[_option(self.options, "pageSizeParam")] = size
        elif self.paging == "offset":
            size = int(size or "100")
            query[_option(self.options, "offsetParam", "offset")] = number * size
            query[_option(self.options, "limitParam", "limit")] = size
        return _with_query(self.url, query) if query else self.url

    def first_page(self):
        return self.fetch(_Client(self.options), self.start())[0]

    def start(self):
        """Where reading starts: a page number (page, offset), a cursor (None: the first page) or a URL."""
        if self.paging in ("page", "offset"):
            return 0
        if self.paging == "cursor":
            return _option(self.options, "startCursor")
        return self.url

    def fetch(self, client, at):
        """The records of the page at `at` (see start) and where the next page is (None: no next page)."""
        if self.paging in ("page", "offset"):
            url = self._page_url(at)
        elif self.paging == "cursor":
            url = self.url if at is None else _with_query(self.url, {_option(self.options, "cursorParam", "cursor"): at})
        else:
            url = at
        body, headers = client.get(url)
        records = _records_of(body, _option(self.options, "records"), url)
        if self.paging in ("page", "offset"):
            following = at + 1
        elif self.paging == "cursor":
            following = _dig(body, _option(self.options, "cursorPath", "next_cursor"))
            following = None if following in (None, "") else str(following)
        elif self.paging == "next":
            following = _dig(body, _option(self.options, "nextPath", "next")) or None
        elif self.paging == "link":
            following = _next_link(headers)
        else:
            following = None
        return records, following

    def _numbered_pages(self, partition, client, path):
        """Numbered pages, `concurrency` requests in flight, yielded in order until an empty one."""
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor
        from itertools import islice

        ahead = max(1, int(_option(self.options, "concurrency", "4")))
        numbers = iter(range(partition.first, self.max_pages, partition.step))

        def fetch(number):
            url = self._page_url(number)
            return _records_of(client.get(url)[0], path, url)

        with ThreadPoolExecutor(max_workers=ahead) as pool:
            pending = deque(pool.submit(fetch, number) for number in islice(numbers, ahead))
            while pending:
                records = pending.popleft().result()
                if not records:
                    for later in pending:
                        later.cancel()
                    return
                yield records
                number = next(numbers, None)
                if number is not None:
                    pending.append(pool.submit(fetch, number))

    def _pages(self, partition):
        """The records of each page this partition reads, page by page."""
        client = _Client(self.options)
        if self.paging in ("page", "offset"):
            yield from self._numbered_pages(partition, client, _option(self.options, "records"))
            return
        at = self.start()
        for _ in range(self.max_pages):
            records, at = self.fetch(client, at)
            yield records
            if at is None or not records:
                return

    def rows(self, records):
        for record in records:
            if not isinstance(record, dict):
                raise HttpError(f"{self.url}: a record is not a JSON object: {str(record)[:80]}")
            yield tuple(_cell(record.get(name), kind) for name, kind in self.fields)

    def read(self, partition):
        """One Arrow batch per page: a page reaches Spark as soon as it is read, and a read whose task
        was stopped fails at its next page's write instead of fetching until a 10,000-row batch fills."""
        import pyarrow as pa
        from pyspark.sql.conversion import LocalDataToArrowConversion
        from pyspark.sql.pandas.types import to_arrow_schema

        # Spark's Python worker imports pandas when it writes the first batch, which takes a second or
        # two: done here, before the first request, the pages that follow reach Spark as they come, and
        # a stopped task is seen at its next page rather than after that import.
        import pandas  # noqa: F401

        arrow_schema = to_arrow_schema(self.schema, timezone="UTC")
        converters = [LocalDataToArrowConversion._create_converter(field.dataType) for field in self.schema.fields]
        for records in self._pages(partition):
            columns = [[] for _ in self.fields]
            for row in self.rows(records):
                for column, value, convert in zip(columns, row, converters):
                    column.append(convert(value))
            if records:
                yield pa.RecordBatch.from_arrays(columns, schema=arrow_schema)


class HttpStreamReader(SimpleDataSourceStreamReader):
    """Micro-batches of the records added since the last one. The offset is the last page that had
    records and how many it had: {"page": where, "skip": n}."""

    def __init__(self, options, schema):
        self.reader = HttpReader(options, schema)
        if self.reader.paging == "none":
            raise HttpError("A streaming read needs paging: page, offset, cursor, next or link.")
        self.max_pages = int(_option(options, "maxPagesPerBatch", "1000"))

    def initialOffset(self):
        return {"page": self.reader.start(), "skip": 0}

    def read(self, start):
        client = _Client(self.reader.options)
        at, skip = start["page"], start["skip"]
        end = dict(start)
        rows = []
        for _ in range(self.max_pages):
            records, following = self.reader.fetch(client, at)
            if not records:
                break
            rows.extend(self.reader.rows(records[skip:]))
            end = {"page": at, "skip": len(records)}
            if following is None:
                break
            at, skip = following, 0
        return iter(rows), end

    def readBetweenOffsets(self, start, end):
        """The same records again (a micro-batch replayed after a failure)."""
        client = _Client(self.reader.options)
        at, skip = start["page"], start["skip"]
        rows = []
        for _ in range(self.max_pages):
            records, following = self.reader.fetch(client, at)
            if at == end["page"]:
                rows.extend(self.reader.rows(records[skip : end["skip"]]))
                break
            rows.extend(self.reader.rows(records[skip:]))
            if following is None:
                break
            at, skip = following, 0
        return iter(rows)

    def commit(self, end):
        pass


def _cell(value, kind):
    """A JSON value as the column's type wants it: nested values and numbers as text in a string column."""
    if value is None:
        return None
    if kind == "string":
        return json.dumps(value) if isinstance(value, (dict, list)) else (value if isinstance(value, str) else json.dumps(value))
    if kind in ("double", "float") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def register(spark):
    """Registers the source in a session, its code sent to Spark's Python workers by value."""
    import sys

    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    spark.dataSource.register(HttpDataSource)
