"""Shared helpers: a fresh backend/context/graph per test, through the public API only."""
from contextlib import contextmanager

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnLog


class Api:
    """Handles for one test plus the log lines the backend emitted."""

    def __init__(self):
        self.lines: list[tuple[int, str]] = []
        err, self.log = QnnLog.QnnLog_create(lambda fmt, lvl, ts, args: self.lines.append((lvl, fmt % args)), 5)
        assert err == 0
        err, self.backend = QnnBackend.QnnBackend_create(self.log, None)
        assert err == 0
        err, self.context = QnnContext.QnnContext_create(self.backend, None, None)
        assert err == 0

    def graph(self, name="g"):
        err, graph = QnnGraph.QnnGraph_create(self.context, name, None)
        assert err == 0
        return graph

    def errors(self) -> list[str]:
        return [line for level, line in self.lines if level == 1]

    def close(self):
        QnnBackend.QnnBackend_free(self.backend)
        QnnLog.QnnLog_free(self.log)


@contextmanager
def fresh_api():
    """For hypothesis tests, where each example needs its own backend."""
    a = Api()
    try:
        yield a
    finally:
        a.close()
