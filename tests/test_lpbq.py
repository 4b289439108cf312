"""LPBQ weights (QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION) through the Python API: a
MatMul or FullyConnected whose weight is a float scale per output channel times a small
integer per block of input channels, codes as wide as the storage minus the block integers'
width. Checked against the definition computed here in numpy (and against ONNX Runtime and
the real backend in tests/shim/test_ort_lpbq.py); every malformed encoding is refused with
INVALID_TENSOR_PARAM, the graph unchanged; a context binary keeps the encoding."""
import numpy as np
import pytest

from qnnpy import QnnContext, QnnGraph, QnnTensor
from qnnpy.builder import GraphBuilder, io_tensor, lpbq_params, make_tensor, quantize_params
from qnnpy.QnnTensor import QnnTensor_Error_t as TE
from qnnpy.QnnTypes import (QNN_DATATYPE_SFIXED_POINT_8, QNN_DATATYPE_SFIXED_POINT_16, QNN_DATATYPE_UFIXED_POINT_8,
                            QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE,
                            QNN_TENSOR_TYPE_STATIC)

RNG = np.random.default_rng(5)
M, K, N, BLOCK = 3, 48, 8, 16
X_SCALE, Y_SCALE = 0.04, 0.05


def weights(storage=np.int8, bits=4):
    """Codes in [-2^(bits-1), 2^(bits-1)), a scale per output channel, integers 1..16 per block."""
    codes = RNG.integers(-(1 << (bits - 1)), 1 << (bits - 1), size=(K, N)).astype(storage)
    scales = (RNG.random(N) * 0.02 + 0.002).astype(np.float32)
    blocks = RNG.integers(1, 17, size=(N, K // BLOCK))  # [channel, block], QNN's layout
    return codes, scales, blocks


def reference_weight(codes, scales, blocks):
    """The definition: each block's scale is the channel's float32 scale times its integer."""
    per_block = (blocks.T.astype(np.float32) * scales[None, :]).astype(np.float32)  # [block, channel]
    return codes.astype(np.float32) * np.repeat(per_block, BLOCK, axis=0)


def quantize(values, scale):
    return np.clip(np.rint(values / scale) + 128, 0, 255).astype(np.uint8)


def build(api, quant, codes, fully_connected=False):
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_UFIXED_POINT_8, (M, K), quant=quantize_params(X_SCALE, -128))
    w = b.static("w", codes.T.copy() if fully_connected else codes, QNN_DATATYPE_SFIXED_POINT_8 if codes.dtype == np.int8
                 else QNN_DATATYPE_SFIXED_POINT_16, quant)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_UFIXED_POINT_8, (M, N), quant=quantize_params(Y_SCALE, -128))
    b.node("FullyConnected" if fully_connected else "MatMul", [x, w], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, x, y


def run(graph, x, y, xq):
    out = np.zeros((M, N), np.uint8)
    assert QnnGraph.QnnGraph_execute(graph, [io_tensor(x, xq)], 1, [io_tensor(y, out)], 1, None, None) == 0
    return out


def expected(xq, weight):
    return quantize(((xq.astype(np.float64) - 128) * X_SCALE).astype(np.float32) @ weight, Y_SCALE)


@pytest.mark.parametrize("fully_connected", [False, True])
def test_matmul_and_fully_connected_compute_the_definition(api, fully_connected):
    codes, scales, blocks = weights()
    axis = 0 if fully_connected else 1  # FullyConnected weights are [out, in]
    graph, x, y = build(api, lpbq_params(scales, blocks, axis, 4), codes, fully_connected)
    xq = RNG.integers(0, 256, size=(M, K)).astype(np.uint8)
    want = expected(xq, reference_weight(codes, scales, blocks))
    assert np.abs(run(graph, x, y, xq).astype(int) - want).max() <= 1
    assert np.abs(want.astype(int) - 128).max() > 20  # the outputs are not all near zero


def test_codes_read_from_their_width_whether_sign_extended_or_bare(api):
    """ONNX Runtime hands 4-bit weights as bare nibbles (-4 as 0x0C), others sign-extend (0xFC):
    with 4-bit block integers in 8-bit storage both read as -4."""
    codes, scales, blocks = weights()
    graph, x, y = build(api, lpbq_params(scales, blocks, 1, 4), codes)
    bare = (codes.astype(np.uint8) & 0x0F).astype(np.int8)
    assert (bare != codes).any()
    other = api.graph("bare")
    b = GraphBuilder(other)
    xt = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_UFIXED_POINT_8, (M, K), quant=quantize_params(X_SCALE, -128))
    wt = b.static("w", bare, QNN_DATATYPE_SFIXED_POINT_8, lpbq_params(scales, blocks, 1, 4))
    yt = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_UFIXED_POINT_8, (M, N), quant=quantize_params(Y_SCALE, -128))
    b.node("MatMul", [xt, wt], [yt])
    assert QnnGraph.QnnGraph_finalize(other, None, None) == 0
    xq = RNG.integers(0, 256, size=(M, K)).astype(np.uint8)
    np.testing.assert_array_equal(run(graph, x, y, xq), run(other, xt, yt, xq))


def test_sixteen_bit_storage_and_sixteen_bit_block_integers(api):
    """12-bit block integers expand 4-bit codes to 16 bits; integers past 255 travel in
    blocksScale16."""
    codes, scales, _ = weights(np.int16)
    blocks = RNG.integers(200, 4097, size=(N, K // BLOCK))
    graph, x, y = build(api, lpbq_params(scales / 64, blocks, 1, 12), codes)
    assert lpbq_params(scales, blocks, 1, 12).blockwiseExpansion.blocksScale16 is not None
    xq = RNG.integers(0, 256, size=(M, K)).astype(np.uint8)
    want = expected(xq, reference_weight(codes, scales / 64, blocks))
    assert np.abs(run(graph, x, y, xq).astype(int) - want).max() <= 1


@pytest.mark.parametrize("change, words", [
    (dict(kind=QNN_TENSOR_TYPE_NATIVE), "must be STATIC"),
    (dict(dtype=QNN_DATATYPE_UFIXED_POINT_8), "SFIXED_POINT_8 or _16"),
    (dict(axis=0), "8 per-axis encodings for axis 0 of size 48"),  # channels first of [K, N]
    (dict(blocks=np.ones((N, 5), int)), "must divide"),  # 48 elements do not split into 5 blocks
    (dict(blocks=np.full((N, 3), 17)), "above 2^blockScaleBitwidth"),
    (dict(bits=8), "must leave the codes"),
])
def test_malformed_lpbq_is_refused_and_the_graph_stays_as_it_was(api, change, words):
    codes, scales, blocks = weights()
    graph = api.graph()
    quant = lpbq_params(scales, change.get("blocks", blocks), change.get("axis", 1), change.get("bits", 4))
    kind = change.get("kind", QNN_TENSOR_TYPE_STATIC)
    data = codes if kind == QNN_TENSOR_TYPE_STATIC else None
    t = make_tensor("w", kind, change.get("dtype", QNN_DATATYPE_SFIXED_POINT_8), codes.shape, data, quant)
    assert QnnTensor.QnnTensor_createGraphTensor(graph, t) == TE.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM
    assert any(words in line for line in api.errors()), api.errors()
    good = make_tensor("w", QNN_TENSOR_TYPE_STATIC, QNN_DATATYPE_SFIXED_POINT_8, codes.shape, codes,
                       lpbq_params(scales, blocks, 1, 4))
    assert QnnTensor.QnnTensor_createGraphTensor(graph, good) == 0  # the name was not taken


def test_a_short_block_array_is_refused(api):
    codes, scales, blocks = weights()
    quant = lpbq_params(scales, blocks, 1, 4)
    quant.blockwiseExpansion.blocksScale8 = quant.blockwiseExpansion.blocksScale8[:-1]
    t = make_tensor("w", QNN_TENSOR_TYPE_STATIC, QNN_DATATYPE_SFIXED_POINT_8, codes.shape, codes, quant)
    assert QnnTensor.QnnTensor_createGraphTensor(api.graph(), t) == TE.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM
    assert any("block scales for 8 channels" in line for line in api.errors())


def test_a_context_binary_keeps_the_encoding(api):
    codes, scales, blocks = weights()
    graph, x, y = build(api, lpbq_params(scales, blocks, 1, 4), codes)
    xq = RNG.integers(0, 256, size=(M, K)).astype(np.uint8)
    before = run(graph, x, y, xq)
    _, size = QnnContext.QnnContext_getBinarySize(api.context)
    buf = bytearray(size)
    assert QnnContext.QnnContext_getBinary(api.context, buf, size)[0] == 0
    err, loaded = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), size, None)
    assert err == 0
    err, again = QnnGraph.QnnGraph_retrieve(loaded, "g")
    assert err == 0
    np.testing.assert_array_equal(run(again, x, y, xq), before)
