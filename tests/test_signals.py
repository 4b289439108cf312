"""QnnSignal: a timeout or an abort from another thread stops execute between nodes (no output
written), createFromBinaryWithSignal as well; a signal serves one call at a time."""
import threading

import numpy as np

from qnnpy import QnnContext, QnnGraph, QnnSignal
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnSignal import QNN_SIGNAL_CONFIG_OPTION_ABORT, QNN_SIGNAL_CONFIG_OPTION_TIMEOUT, QnnSignal_Config_t
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE,
                            QNN_TENSOR_TYPE_NATIVE)

SHAPE = (512, 512)
ABORT = QnnSignal_Config_t(QNN_SIGNAL_CONFIG_OPTION_ABORT)


def _timeout(us):
    return QnnSignal_Config_t(QNN_SIGNAL_CONFIG_OPTION_TIMEOUT, timeoutDurationUs=us)


def _long_graph(api, nodes=200, name="g"):
    graph = api.graph(name)
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, SHAPE)
    current = x
    for i in range(nodes):
        out = b.tensor(f"t{i}", QNN_TENSOR_TYPE_APP_READ if i == nodes - 1 else QNN_TENSOR_TYPE_NATIVE,
                       QNN_DATATYPE_FLOAT_32, SHAPE)
        b.node("Tanh", [current], [out])
        current = out
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, x, current


def _execute(graph, x, y, signal, out):
    return QnnGraph.QnnGraph_execute(graph, [io_tensor(x, np.ones(SHAPE, np.float32))], 1, [io_tensor(y, out)], 1,
                                     None, signal)


def _while_executing(call, until, graph, x, y, signal, out):
    """Run ``call`` in a thread again and again while the main thread executes with ``signal``;
    returns the execute's code and the codes ``call`` got (it stops at ``until``)."""
    seen, done = [], threading.Event()

    def spin():
        while not done.is_set():
            seen.append(call())
            if seen[-1] == until:
                return
    thread = threading.Thread(target=spin)
    thread.start()
    err = _execute(graph, x, y, signal, out)
    done.set()
    thread.join()
    return err, seen


def test_a_passed_timeout_stops_execute_before_any_output(api):
    graph, x, y = _long_graph(api, 3)
    err, signal = QnnSignal.QnnSignal_create(api.backend, [_timeout(1)])
    out = np.full(SHAPE, 7.0, np.float32)
    assert _execute(graph, x, y, signal, out) == QnnGraph.QNN_GRAPH_ERROR_TIMED_OUT
    assert (out == 7.0).all() and "timeout" in api.errors()[-1]
    assert QnnSignal.QnnSignal_setConfig(signal, [_timeout(60_000_000)]) == 0
    assert _execute(graph, x, y, signal, out) == 0  # the same signal, a minute to spare
    np.testing.assert_allclose(out, np.tanh(np.tanh(np.tanh(np.ones(SHAPE)))), rtol=1e-6)


def test_trigger_from_another_thread_aborts_execute(api):
    graph, x, y = _long_graph(api)
    err, signal = QnnSignal.QnnSignal_create(api.backend, [ABORT])
    assert QnnSignal.QnnSignal_trigger(signal) == QnnSignal.QNN_SIGNAL_ERROR_SIGNAL_IDLE  # nothing running yet
    out = np.full(SHAPE, 7.0, np.float32)
    err, seen = _while_executing(lambda: QnnSignal.QnnSignal_trigger(signal), 0, graph, x, y, signal, out)
    assert seen[-1] == 0 and err == QnnGraph.QNN_GRAPH_ERROR_ABORTED and (out == 7.0).all()
    assert _execute(graph, x, y, signal, out) == 0  # an abort ends with its call


def test_a_signal_serves_one_call_at_a_time(api):
    """(Other calls are serialised by qnnpy's API lock, so only the signal's own functions can
    meet it in use.)"""
    graph, x, y = _long_graph(api)
    err, signal = QnnSignal.QnnSignal_create(api.backend, [ABORT, _timeout(60_000_000)])
    out = np.zeros(SHAPE, np.float32)
    in_use = QnnSignal.QNN_SIGNAL_ERROR_SIGNAL_IN_USE
    running = threading.Event()

    def free_once_running():  # setConfig answers IN_USE once the execute holds the signal
        if QnnSignal.QnnSignal_setConfig(signal, [ABORT]) != in_use:
            return None
        running.set()
        return QnnSignal.QnnSignal_free(signal)
    err, seen = _while_executing(free_once_running, in_use, graph, x, y, signal, out)
    assert err == 0 and running.is_set() and seen[-1] == in_use, (seen[-3:], err)
    assert QnnSignal.QnnSignal_free(signal) == 0
    assert QnnSignal.QnnSignal_free(signal) == QnnSignal.QNN_SIGNAL_ERROR_INVALID_HANDLE
    assert _execute(graph, x, y, signal, out) == QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT  # a freed signal


def test_bad_signal_configs_and_calls(api):
    assert QnnSignal.QnnSignal_create(api.backend, [_timeout(0)])[0] == QnnSignal.QNN_SIGNAL_ERROR_INVALID_ARGUMENT
    assert QnnSignal.QnnSignal_create(api.backend, [QnnSignal_Config_t(0)])[0] == QnnSignal.QNN_SIGNAL_ERROR_UNSUPPORTED
    assert QnnSignal.QnnSignal_create(api.backend, [QnnSignal_Config_t(9)])[0] == QnnSignal.QNN_SIGNAL_ERROR_INVALID_ARGUMENT
    assert QnnSignal.QnnSignal_create(4242, [ABORT])[0] == QnnSignal.QNN_SIGNAL_ERROR_INVALID_HANDLE
    err, timeout_only = QnnSignal.QnnSignal_create(api.backend, [_timeout(5)])
    assert QnnSignal.QnnSignal_trigger(timeout_only) == QnnSignal.QNN_SIGNAL_ERROR_INCOMPATIBLE_SIGNAL_TYPE
    assert QnnSignal.QnnSignal_setConfig(timeout_only, [ABORT, _timeout(-1)]) == \
        QnnSignal.QNN_SIGNAL_ERROR_INVALID_ARGUMENT
    assert QnnSignal.QnnSignal_trigger(timeout_only) == QnnSignal.QNN_SIGNAL_ERROR_INCOMPATIBLE_SIGNAL_TYPE  # unchanged


def test_create_from_binary_under_a_signal(api):
    _long_graph(api, 2)
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    blob = bytearray(size)
    assert QnnContext.QnnContext_getBinary(api.context, blob, size)[0] == 0
    err, hurried = QnnSignal.QnnSignal_create(api.backend, [_timeout(1)])
    assert QnnContext.QnnContext_createFromBinaryWithSignal(api.backend, None, None, bytes(blob), size, None,
                                                            hurried) == (QnnContext.QNN_CONTEXT_ERROR_TIMED_OUT, None)
    err, patient = QnnSignal.QnnSignal_create(api.backend, [_timeout(60_000_000)])
    err, ctx = QnnContext.QnnContext_createFromBinaryWithSignal(api.backend, None, None, bytes(blob), size, None, patient)
    assert err == 0 and QnnGraph.QnnGraph_retrieve(ctx, "g")[0] == 0
    assert QnnContext.QnnContext_free(ctx, None) == 0
