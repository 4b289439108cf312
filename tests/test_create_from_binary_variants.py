"""QnnContext_createFromBinaryListAsync: every binary of the list loads (or fails) on its own,
its notifyFunc hears each graph and then the context, and the call answers the first failure.
QnnContext_createFromBinaryWithCallback: the weights come from the client's data provider."""
import numpy as np

from qnnpy import QnnContext, QnnGraph, lora
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnContext import (QNN_CONTEXT_CALLBACK_DMA_BUFFER, QNN_CONTEXT_CALLBACK_RAW_BUFFER,
                              QNN_CONTEXT_NOTIFY_TYPE_CONTEXT_INIT, QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT,
                              Qnn_ContextBinaryCallback_t, Qnn_ContextBinaryRawBufferCallback_t,
                              Qnn_ContextBinaryRawBufferCallbackV1_t, QnnContext_Params_t, QnnContext_ParamsV1_t)
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


def test_weights_can_come_from_the_client_data_provider(api):
    """createFromBinaryWithCallback: the buffer holds the binary up to its data region; the
    weights are asked of dataProvide (one request, exactly that region) and released after."""
    blob = _binary(api, ["a"])
    calls = []
    padded = bytearray(16) + bytearray(blob)  # the provider's memory: the file, 16 bytes into it

    def provide(request, response, param):
        calls.append(("provide", request.offset, request.size, param))
        response.memPtr, response.dataStartOffset, response.alignedSize = padded, 16 + request.offset, request.size
        return 0

    def release(mem, param):
        calls.append(("release", mem.memPtr is padded, mem.memSize, param))
        return 0
    raw = Qnn_ContextBinaryCallback_t(QNN_CONTEXT_CALLBACK_RAW_BUFFER, Qnn_ContextBinaryRawBufferCallback_t(
        1, Qnn_ContextBinaryRawBufferCallbackV1_t(provide, release, "p")))
    err, ctx = QnnContext.QnnContext_createFromBinaryWithCallback(api.backend, None, None, raw, blob, len(blob), None,
                                                                  None)
    assert err == 0 and calls[0][0] == "provide" and calls[0][3] == "p"
    data_offset, data_size = calls[0][1:3]
    assert data_offset + data_size == len(blob) and calls[1] == ("release", True, data_size, "p")
    assert _negates(ctx, blob)
    calls.clear()  # a buffer cut right after the metadata is enough
    err, again = QnnContext.QnnContext_createFromBinaryWithCallback(api.backend, None, None, raw, blob[:data_offset],
                                                                    data_offset, None, None)
    assert err == 0 and len(calls) == 2 and _negates(again, blob)
    failing = Qnn_ContextBinaryCallback_t(QNN_CONTEXT_CALLBACK_RAW_BUFFER, Qnn_ContextBinaryRawBufferCallback_t(
        1, Qnn_ContextBinaryRawBufferCallbackV1_t(lambda request, response, param: 1000, None, None)))
    refusals = [(failing, blob, QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY),
                (Qnn_ContextBinaryCallback_t(QNN_CONTEXT_CALLBACK_DMA_BUFFER), blob,
                 QnnContext.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE),
                (raw, blob[:data_offset - 1], QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT)]
    for callback, buffer, code in refusals:
        assert QnnContext.QnnContext_createFromBinaryWithCallback(api.backend, None, None, callback, buffer, len(buffer),
                                                                  None, None)[0] == code


def _negates(context, blob) -> bool:
    """The loaded graph runs: its I/O from the binary info, y = -x."""
    g = lora.binary_info(blob).contextBinaryInfoV3.graphs[0].graphInfoV3
    x = np.array([[1, -2], [3, -4]], np.float32)
    out = np.zeros((2, 2), np.float32)
    err, graph = QnnGraph.QnnGraph_retrieve(context, "a")
    return QnnGraph.QnnGraph_execute(graph, [io_tensor(g.graphInputs[0], x)], 1, [io_tensor(g.graphOutputs[0], out)],
                                     1, None, None) == 0 and np.array_equal(out, -x)
