"""QnnGraph_executeAsync: queued executes run on a worker thread in submission order, each
notifyFn gets the code execute would have returned, a full queue answers FIFO_FULL, and an
execute whose context was freed while it waited is reported through its notifyFn."""
import threading

import numpy as np

from qnnpy import QnnContext, QnnGraph, _execute_queue
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnTypes import QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE

SHAPE = (4, 8)


def _relu(api):
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, SHAPE)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, SHAPE)
    b.node("Relu", [x], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, x, y


class Recorder:
    def __init__(self):
        self.calls, self.lock, self.done = [], threading.Lock(), threading.Condition()

    def __call__(self, param, status):
        with self.done:
            self.calls.append((param, status.error, threading.current_thread().name))
            self.done.notify_all()

    def wait_for(self, count):
        with self.done:
            assert self.done.wait_for(lambda: len(self.calls) >= count, timeout=60)
        return self.calls


def _submit(graph, x, y, data, out, notify, param):
    return QnnGraph.QnnGraph_executeAsync(graph, [io_tensor(x, data)], 1, [io_tensor(y, out)], 1, None, None,
                                          notify, param)


def test_queued_executes_run_in_order_on_another_thread(api):
    graph, x, y = _relu(api)
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(12)]
    outputs = [np.full(SHAPE, 9.0, np.float32) for _ in inputs]
    record = Recorder()
    for k, (data, out) in enumerate(zip(inputs, outputs)):
        assert _submit(graph, x, y, data, out, record, k) == 0
    calls = record.wait_for(len(inputs))
    assert [param for param, _, _ in calls] == list(range(len(inputs)))
    assert {status for _, status, _ in calls} == {0}
    assert {thread for _, _, thread in calls} == {"qnnpy-execute-async"}
    for data, out in zip(inputs, outputs):
        np.testing.assert_array_equal(out, np.maximum(data, 0))


def test_errors_arrive_through_notify_and_a_full_queue_is_refused(api):
    graph, x, y = _relu(api)
    data, out = np.ones(SHAPE, np.float32), np.zeros(SHAPE, np.float32)
    release, record = threading.Event(), Recorder()

    def blocking(param, status):  # holds the worker, so that later jobs wait in the queue
        record(param, status)
        release.wait(60)
    assert _submit(graph, x, y, data, out, blocking, "first") == 0
    record.wait_for(1)
    wrong = io_tensor(x, data)
    wrong.v2.id = 4242
    assert QnnGraph.QnnGraph_executeAsync(graph, [wrong], 1, [io_tensor(y, out)], 1, None, None, record,
                                          "wrong id") == 0
    for k in range(_execute_queue.DEPTH - 2):
        assert _submit(graph, x, y, data, out, record, k) == 0
    assert _submit(graph, x, y, data, out, record, "one too many") == QnnGraph.QNN_GRAPH_ERROR_EXECUTION_ASYNC_FIFO_FULL
    release.set()
    calls = record.wait_for(_execute_queue.DEPTH)
    assert calls[1][:2] == ("wrong id", QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR)
    assert all(status == 0 for _, status, _ in calls[2:]) and "one too many" not in [c[0] for c in calls]


def test_a_job_whose_context_was_freed_reports_it(api):
    err, ctx = QnnContext.QnnContext_create(api.backend, None, None)
    err, graph = QnnGraph.QnnGraph_create(ctx, "short-lived", None)
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, SHAPE)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, SHAPE)
    b.node("Relu", [x], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    keep_graph, kx, ky = _relu(api)
    data, out = np.ones(SHAPE, np.float32), np.zeros(SHAPE, np.float32)
    release, record = threading.Event(), Recorder()

    def blocking(param, status):
        record(param, status)
        release.wait(60)
    assert _submit(keep_graph, kx, ky, data, out, blocking, "holder") == 0
    record.wait_for(1)
    assert _submit(graph, x, y, data, out, record, "orphan") == 0
    assert QnnContext.QnnContext_free(ctx, None) == 0
    release.set()
    assert record.wait_for(2)[1][:2] == ("orphan", QnnGraph.QNN_GRAPH_ERROR_INVALID_CONTEXT)
