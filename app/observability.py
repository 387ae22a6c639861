"""What operators see of a running server: a request id on every request (in its response
header, its log line, and any error it ends in, so a person can quote it), one structured log
line per request, and Prometheus metrics when they are switched on."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
# an id a proxy passes on is kept when it is plainly an id; anything else is replaced
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_request_id: ContextVar[str] = ContextVar("request_id", default="")
ACCESS = logging.getLogger("ting.access")


def current_request_id() -> str:
    return _request_id.get()


def request_id_of(request: Any) -> str:
    """The request's id, also where the outermost error handler (outside RequestLog) looks."""
    return str(getattr(request.state, "request_id", "") or current_request_id())


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request's id, and the fields
    a log call gives as `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", {})
        return text + "".join(f" {k}={v}" for k, v in fields.items())


_HANDLER_NAME = "ting"


def configure_logging(*, json_lines: bool, level: str = "INFO") -> None:
    """Ting's and the server's log lines to stderr, as JSON lines or as text (idempotent)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLines() if json_lines else _Text(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # a library's warning, too, as a line of the same kind
    for name in ("uvicorn", "uvicorn.error"):  # through the one handler above
        server = logging.getLogger(name)
        server.handlers.clear()
        server.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # each request is logged below, once


class Metrics:
    """The server's Prometheus metrics: requests by route and status, their latency, and
    what `gauges` reads at each scrape (outbox depth, connections in use)."""

    def __init__(self, gauges: Callable[[], Iterable[tuple[str, str, float]]]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("ting_requests", "Requests answered, by route and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "ting_request_duration_seconds", "Time to answer a request, by route.",
            ["method", "route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
        self.gauges = gauges
        self.registry.register(_Gauges(gauges))

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


def exposition(metrics: Metrics) -> bytes:
    """The metrics as Prometheus reads them. With several worker processes, set
    PROMETHEUS_MULTIPROC_DIR (an empty folder, the same for all): every worker's counts are
    then added up, whichever worker answers the scrape."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return generate_latest(metrics.registry)
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(_Gauges(metrics.gauges))
    return generate_latest(registry)


class _Gauges(Collector):
    def __init__(self, read: Callable[[], Iterable[tuple[str, str, float]]]) -> None:
        self.read = read

    def collect(self) -> Iterable[Metric]:
        for name, description, value in self.read():
            yield GaugeMetricFamily(name, description, value=value)


def route_of(scope: Scope) -> str:
    """The route's path template (`/c/{cohort}/things`), never the path itself: a label per
    cohort or per id would grow without end."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "/static" if scope.get("path", "").startswith("/static/") else "(no route)"


class RequestLog:
    """Gives each request its id (a sane X-Request-ID from the proxy, else a new one), sends it
    back as X-Request-ID, and logs one line per request with its route, status and time."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"]
                      if k == REQUEST_ID_HEADER.encode()), "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            if self.metrics is not None:
                self.metrics.observe(method=scope["method"], route=route, status=status,
                                     seconds=seconds)
            if not scope["path"].startswith("/static/"):
                ACCESS.info("%s %s %d", scope["method"], route, status, extra={"fields": {
                    "method": scope["method"], "route": route, "status": status,
                    "duration_ms": round(seconds * 1000, 1)}})
            _request_id.reset(token)
