"""The HTP PRECISION graph config: FLOAT16 computes a float32 graph at half precision (each
input, weight and op output rounded to float16, as the real HTP does), survives a context
binary round trip, and is refused after finalize; the other HTP options change no result."""
import numpy as np

from qnnpy import QnnContext, QnnGraph
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnGraph import QNN_GRAPH_CONFIG_OPTION_CUSTOM, QnnGraph_Config_t
from qnnpy.QnnHtpGraph import (QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION, QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_MB,
                               QnnHtpGraph_CustomConfig_t)
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_PRECISION_FLOAT16, QNN_TENSOR_TYPE_APP_READ,
                            QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE)

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 16)).astype(np.float32)
W = RNG.standard_normal((16, 5)).astype(np.float32)
B = RNG.standard_normal(5).astype(np.float32)


def _half(a):
    return np.asarray(a, np.float32).astype(np.float16).astype(np.float32)


def _htp(option, **member):
    return QnnGraph_Config_t(QNN_GRAPH_CONFIG_OPTION_CUSTOM, customConfig=QnnHtpGraph_CustomConfig_t(option, **member))


FP16 = _htp(QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION, precision=QNN_PRECISION_FLOAT16)


def _build(api, configs, name="g"):
    err, graph = QnnGraph.QnnGraph_create(api.context, name, configs)
    assert err == 0
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, X.shape)
    h = b.tensor("h", QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_FLOAT_32, (3, 5))
    s = b.tensor("s", QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_FLOAT_32, (3, 5))
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, (3, 5))
    b.node("MatMul", [x, b.static("w", W)], [h])
    b.node("ElementWiseAdd", [h, b.static("b", B)], [s])
    b.node("Tanh", [s], [y])
    return graph, x, y


def _run(graph, x, y):
    out = np.zeros((3, 5), np.float32)
    assert QnnGraph.QnnGraph_execute(graph, [io_tensor(x, X)], 1, [io_tensor(y, out)], 1, None, None) == 0
    return out


def test_float16_precision_rounds_every_value_to_half(api):
    graph, x, y = _build(api, [FP16])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    got = _run(graph, x, y)
    full = np.tanh(X.astype(np.float64) @ W + B)
    half = _half(np.tanh(_half(_half(_half(X).astype(np.float64) @ _half(W)) + _half(B))))
    np.testing.assert_allclose(got, half, rtol=0, atol=2 ** -10)  # one float16 step at |y| < 1
    assert np.all(got == _half(got))               # the outputs themselves are float16 values
    assert np.abs(got - full).max() > 1e-5          # and not the float32 result
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    blob = bytearray(size)
    assert QnnContext.QnnContext_getBinary(api.context, blob, size)[0] == 0
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(blob), size, None)
    err, loaded = QnnGraph.QnnGraph_retrieve(ctx, "g")
    assert err == 0 and np.array_equal(_run(loaded, x, y), got)


def test_precision_is_refused_after_finalize_and_other_options_change_nothing(api):
    graph, x, y = _build(api, [_htp(QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_MB, vtcmSizeInMB=4)])
    assert any("VTCM_SIZE_IN_MB accepted" in line for _, line in api.lines)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    before = _run(graph, x, y)
    np.testing.assert_allclose(before, np.tanh(X.astype(np.float64) @ W + B), rtol=1e-6, atol=1e-6)
    assert QnnGraph.QnnGraph_setConfig(graph, [FP16]) == QnnGraph.QNN_GRAPH_ERROR_GRAPH_FINALIZED
    assert np.array_equal(_run(graph, x, y), before)  # still float32


def test_bad_htp_configs_are_refused_before_the_graph_exists(api):
    bad = [_htp(QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION, precision=7), _htp(99),
           QnnGraph_Config_t(QNN_GRAPH_CONFIG_OPTION_CUSTOM, customConfig="fp16")]
    for config in bad:
        assert QnnGraph.QnnGraph_create(api.context, "g", [config])[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT
    assert QnnGraph.QnnGraph_create(api.context, "g", [FP16, bad[1]])[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT
    assert QnnGraph.QnnGraph_create(api.context, "g", [FP16])[0] == 0  # the name was never taken
