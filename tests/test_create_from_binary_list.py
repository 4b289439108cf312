"""QnnContext_createFromBinaryListAsync: every binary of the list loads (or fails) on its own,
its notifyFunc hears each graph and then the context, and the call answers the first failure."""
from qnnpy import QnnContext, QnnGraph
from qnnpy.builder import GraphBuilder
from qnnpy.QnnContext import QNN_CONTEXT_NOTIFY_TYPE_CONTEXT_INIT, QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT, \
    QnnContext_Params_t, QnnContext_ParamsV1_t
from qnnpy.QnnTypes import QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE


def _binary(api, names) -> bytes:
    err, ctx = QnnContext.QnnContext_create(api.backend, None, None)
    for name in names:
        err, graph = QnnGraph.QnnGraph_create(ctx, name, None)
        b = GraphBuilder(graph)
        x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (2, 2))
        y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, (2, 2))
        b.node("ElementWiseNeg", [x], [y])
        assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    err, size = QnnContext.QnnContext_getBinarySize(ctx)
    blob = bytearray(size)
    assert QnnContext.QnnContext_getBinary(ctx, blob, size)[0] == 0
    assert QnnContext.QnnContext_free(ctx, None) == 0
    return bytes(blob)


def test_each_binary_is_loaded_and_announced(api):
    heard, graphs, names = [], {}, {0: ("a", "b"), 2: ("c",)}

    def notify(context, graph, name, kind, param, status):
        heard.append((param, kind, name, status, context is not None, graph is not None))
        if kind == QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT:  # the graph is usable from the notification on
            graphs[name] = graph
        elif context is not None:
            assert all(QnnGraph.QnnGraph_retrieve(context, n) == (0, g) for n, g in graphs.items() if n in names[param])
    good, other = _binary(api, ["a", "b"]), _binary(api, ["c"])
    broken = bytearray(good)
    broken[-1] ^= 1
    params = [QnnContext_Params_t(1, QnnContext_ParamsV1_t(None, blob, len(blob), None, notify, k))
              for k, blob in enumerate([good, bytes(broken), other])]
    assert QnnContext.QnnContext_createFromBinaryListAsync(api.backend, None, params, None, None) == \
        QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY
    G, C = QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT, QNN_CONTEXT_NOTIFY_TYPE_CONTEXT_INIT
    assert heard == [(0, G, "a", 0, False, True), (0, G, "b", 0, False, True), (0, C, None, 0, True, False),
                     (1, C, None, QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, False, False),
                     (2, G, "c", 0, False, True), (2, C, None, 0, True, False)]


def test_bad_lists_are_refused_before_anything_loads(api):
    good = _binary(api, ["a"])
    heard = []
    v2 = QnnContext_Params_t(2)
    ok = QnnContext_Params_t(1, QnnContext_ParamsV1_t(None, good, len(good), None, lambda *a: heard.append(a), 0))
    for params in ([], [ok, v2], [ok, "params"],
                   [QnnContext_Params_t(1, QnnContext_ParamsV1_t(None, good, len(good), None, "not callable", 0))]):
        assert QnnContext.QnnContext_createFromBinaryListAsync(api.backend, None, params, None, None) == \
            QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
    assert QnnContext.QnnContext_createFromBinaryListAsync(4242, None, [ok], None, None) == \
        QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE
    assert heard == []
