"""Error codes print their own names: an alias (MIN_ERROR / MAX_ERROR bounds sharing a
value with a real code) must never be the name a failed call shows."""
import importlib
from enum import IntEnum

import pytest

MODULES = ["QnnCommon", "QnnBackend", "QnnContext", "QnnDevice", "QnnGraph", "QnnLog", "QnnProfile",
           "QnnProperty", "QnnTensor", "QnnInterface", "QnnHtpPerfInfrastructure"]


def error_enums():
    for name in MODULES:
        module = importlib.import_module(f"qnnpy.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, IntEnum) and value.__name__.endswith("_Error_t"):
                yield value


@pytest.mark.parametrize("enum", list(error_enums()), ids=lambda e: e.__name__)
def test_real_codes_print_their_own_names(enum):
    for name, member in enum.__members__.items():
        if name.endswith(("_MIN_ERROR", "_MAX_ERROR")):
            continue
        shown = enum(int(member)).name
        assert not shown.endswith(("_MIN_ERROR", "_MAX_ERROR")), (name, shown)


def test_execute_async_checks_notify_and_contains_its_exceptions():
    import threading

    import numpy as np

    from qnnpy import QnnBackend, QnnContext, QnnGraph
    from qnnpy.builder import GraphBuilder, io_tensor
    from qnnpy.QnnTypes import QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE
    E = QnnGraph.QnnGraph_Error_t
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, context = QnnContext.QnnContext_create(backend, None, None)
    _, graph = QnnGraph.QnnGraph_create(context, "g", None)
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (1, 2))
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, (1, 2))
    b.node("Relu", [x], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    out = np.zeros((1, 2), np.float32)
    args = ([io_tensor(x, np.array([[-1.0, 2.0]], np.float32))], 1, [io_tensor(y, out)], 1, None, None)
    assert QnnGraph.QnnGraph_executeAsync(graph, *args, 5, None) == E.QNN_GRAPH_ERROR_INVALID_ARGUMENT
    assert not out.any()  # refused before anything ran
    calls, notified = [], threading.Event()

    def raising(param, status):
        calls.append((param, status.error))
        notified.set()
        raise RuntimeError("client bug")
    assert QnnGraph.QnnGraph_executeAsync(graph, *args, raising, "p") == E.QNN_GRAPH_NO_ERROR
    assert notified.wait(30)
    assert calls == [("p", 0)] and out.tolist() == [[0.0, 2.0]]
    QnnBackend.QnnBackend_free(backend)
