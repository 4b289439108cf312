"""The bridge's struct conversions, in process: Python tensors written into C structs (as the
binary info is) and read back (as a client's tensors are) come back equal, for V1 and V2
tensors and every quantization encoding the emulator supports (hypothesis)."""
import tempfile

import cffi
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qnnpy.builder import lpbq_params
from qnnpy.QnnTypes import (Qnn_AxisScaleOffset_t, Qnn_BwAxisScaleOffset_t, Qnn_BwScaleOffset_t, Qnn_QuantizeParams_t,
                            Qnn_QuantizationEncoding_t as QE, Qnn_ScaleOffset_t, Qnn_Tensor_t, Qnn_TensorV2_t)
from qnnpy.shim.build import LIBRARIES, preprocess, split
from qnnpy.shim.cstructs import CStructs


@pytest.fixture(scope="module")
def c():
    with tempfile.TemporaryDirectory() as work:
        types, _ = split(preprocess(LIBRARIES[0].headers, work))
    ffi = cffi.FFI()
    ffi.cdef(types)
    return CStructs(ffi)


floats = st.floats(0.125, 1024.0, width=32)
offsets = st.integers(-65535, 0)


@st.composite
def quantize_params(draw):
    kind = draw(st.sampled_from([QE.QNN_QUANTIZATION_ENCODING_UNDEFINED, QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET,
                                 QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET,
                                 QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET,
                                 QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET]))
    q = Qnn_QuantizeParams_t(draw(st.sampled_from([0, 1])), kind)
    n = draw(st.integers(1, 6))
    if kind == QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
        q.scaleOffsetEncoding = Qnn_ScaleOffset_t(draw(floats), draw(offsets))
    elif kind == QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET:
        pairs = [Qnn_ScaleOffset_t(draw(floats), draw(offsets)) for _ in range(n)]
        q.axisScaleOffsetEncoding = Qnn_AxisScaleOffset_t(draw(st.integers(0, 3)), n, pairs)
    elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET:
        q.bwScaleOffsetEncoding = Qnn_BwScaleOffset_t(draw(st.integers(1, 8)), draw(floats), draw(offsets))
    elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET:
        scales = [draw(floats) for _ in range(n)]
        offs = draw(st.none() | st.just([draw(offsets) for _ in range(n)]))
        q.bwAxisScaleOffsetEncoding = Qnn_BwAxisScaleOffset_t(draw(st.integers(1, 8)), draw(st.integers(0, 3)), n,
                                                              scales, offs)
    return q


@st.composite
def tensors(draw):
    dims = draw(st.lists(st.integers(1, 9), min_size=0, max_size=4))
    body = Qnn_TensorV2_t(draw(st.integers(1, 2**31)), draw(st.text("abcxyz_.0123", min_size=1, max_size=12)),
                          draw(st.integers(0, 13)), 0, draw(st.sampled_from([0x0232, 0x0408, 0x0416, 0x0032])),
                          draw(quantize_params()), len(dims), dims)
    return Qnn_Tensor_t(2, v2=body)


@settings(max_examples=200, deadline=None)
@given(py=tensors())
def test_tensor_round_trip(c, py):
    keep = []
    ct = c.ffi.new("Qnn_Tensor_t*")
    c.fill_tensor(ct, py, keep)
    back = c.tensor(ct)
    a, b = py.v2, back.v2
    assert (b.id, b.name, b.type, b.dataType, b.rank) == (a.id, a.name, a.type, a.dataType, len(a.dimensions))
    assert (b.dimensions or []) == a.dimensions
    qa, qb = a.quantizeParams, b.quantizeParams
    assert (qb.encodingDefinition, qb.quantizationEncoding) == (qa.encodingDefinition, qa.quantizationEncoding)
    member = {QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET: "scaleOffsetEncoding",
              QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET: "axisScaleOffsetEncoding",
              QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET: "bwScaleOffsetEncoding",
              QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET: "bwAxisScaleOffsetEncoding"}.get(qa.quantizationEncoding)
    if member:
        assert getattr(qb, member) == getattr(qa, member)


@settings(max_examples=100, deadline=None)
@given(rows=st.integers(1, 6), channels=st.integers(1, 5), blocks=st.integers(1, 3), wide=st.booleans(),
       data=st.data())
def test_lpbq_round_trip(c, rows, channels, blocks, wide, data):
    """BLOCKWISE_EXPANSION: the pointer struct, a scale per channel and channels x blocks
    integers, 8- or 16-bit, come back as written; the counts C does not carry come from the dims."""
    integers = np.array(data.draw(st.lists(st.integers(1, 4096 if wide else 255), min_size=channels * blocks,
                                           max_size=channels * blocks))).reshape(channels, blocks)
    scales = data.draw(st.lists(floats, min_size=channels, max_size=channels))
    py = Qnn_Tensor_t(2, v2=Qnn_TensorV2_t(7, "w", 4, 0, 0x0008, lpbq_params(scales, integers, 1, 12 if wide else 4),
                                           2, [rows * blocks, channels]))
    keep = []
    ct = c.ffi.new("Qnn_Tensor_t*")
    c.fill_tensor(ct, py, keep)
    back = c.tensor(ct).v2.quantizeParams.blockwiseExpansion
    want = py.v2.quantizeParams.blockwiseExpansion
    assert (back.axis, back.numBlocksPerAxis, back.blockScaleBitwidth, back.blockScaleStorageType) == \
        (want.axis, want.numBlocksPerAxis, want.blockScaleBitwidth, want.blockScaleStorageType)
    assert back.scaleOffsets == want.scaleOffsets
    got = back.blocksScale16 if wide and integers.max() > 255 else back.blocksScale8
    assert list(got) == list(integers.ravel())


def test_v1_tensor_reads_its_prefix(c):
    """A V1 client tensor (112 bytes inside the 144-byte union) reads the same fields."""
    ct = c.ffi.new("Qnn_Tensor_t*")
    ct.version = 1
    name = c.ffi.new("char[]", b"x")
    dims = c.ffi.new("uint32_t[]", [2, 3])
    data = c.ffi.new("float[]", 6)
    ct.v1.id, ct.v1.name, ct.v1.type, ct.v1.dataType, ct.v1.rank, ct.v1.dimensions = 5, name, 0, 0x0232, 2, dims
    ct.v1.memType, ct.v1.clientBuf.data, ct.v1.clientBuf.dataSize = 0, data, 24
    py = c.tensor(ct)
    assert (py.version, py.v1.id, py.v1.name, py.v1.dimensions, py.v1.clientBuf.dataSize) == (1, 5, "x", [2, 3], 24)
    memoryview(py.v1.clientBuf.data).cast("B")[0:4] = b"\x00\x00\x80\x3f"   # writes reach the client's memory
    assert data[0] == 1.0


@settings(max_examples=100, deadline=None)
@given(data=st.data(), count=st.integers(1, 4))
def test_client_tensor_arrays_read_every_field(c, data, count):
    """An execute's tensor array, read at once from its bytes: each tensor's fields — memory
    (client buffer or handle), dynamic dimensions, sparse parameters, produced flag, V1 or V2,
    a scale-offset encoding in the struct or an axis encoding behind a pointer — as set."""
    ffi, keep, want = c.ffi, [], []
    array = ffi.new("Qnn_Tensor_t[]", count)
    for i in range(count):
        t, v2 = array[i], data.draw(st.booleans())
        t.version = 2 if v2 else 1
        body = t.v2 if v2 else t.v1
        dims = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=4))
        keep += [ffi.new("char[]", f"t{i}".encode()), ffi.new("uint32_t[]", dims)]
        body.id, body.name, body.type, body.dataType, body.rank, body.dimensions = i + 3, keep[-2], 1, 0x0408, \
            len(dims), keep[-1]
        scale, offset = data.draw(floats), data.draw(offsets)
        axis = data.draw(st.booleans())
        if axis:
            keep.append(ffi.new("Qnn_ScaleOffset_t[]", [(scale, offset)] * dims[0]))
            body.quantizeParams.quantizationEncoding = QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET
            body.quantizeParams.axisScaleOffsetEncoding.axis, body.quantizeParams.axisScaleOffsetEncoding.numScaleOffsets = \
                0, dims[0]
            body.quantizeParams.axisScaleOffsetEncoding.scaleOffset = keep[-1]
        else:
            body.quantizeParams.quantizationEncoding = QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET
            body.quantizeParams.scaleOffsetEncoding.scale, body.quantizeParams.scaleOffsetEncoding.offset = scale, offset
        handle = data.draw(st.booleans())
        if handle:
            body.memType, body.memHandle = 1, ffi.cast("void*", 0x1000 + i)
        else:
            keep.append(ffi.new("uint8_t[]", 8 * i + 1))
            body.memType, body.clientBuf.data, body.clientBuf.dataSize = 0, keep[-1], 8 * i + 1
        dynamic = [int(d) for d in data.draw(st.lists(st.booleans(), min_size=len(dims), max_size=len(dims)))]
        if v2:
            keep.append(ffi.new("uint8_t[]", dynamic))
            t.v2.isDynamicDimensions, t.v2.isProduced = keep[-1], i % 2
            t.v2.sparseParams.type, t.v2.sparseParams.hybridCoo.numSpecifiedElements = 1, 5 * i
            t.v2.sparseParams.hybridCoo.numSparseDimensions = i
        want.append((v2, dims, scale, offset, axis, handle, dynamic))
    for i, (py, (v2, dims, scale, offset, axis, handle, dynamic)) in enumerate(zip(c.tensors(array, count), want)):
        b = py.v2
        assert (py.version, b.id, b.name, b.type, b.dataType, b.rank, b.dimensions) == \
            (2 if v2 else 1, i + 3, f"t{i}", 1, 0x0408, len(dims), dims)
        q = b.quantizeParams
        if axis:
            assert q.axisScaleOffsetEncoding.scaleOffset == [Qnn_ScaleOffset_t(scale, offset)] * dims[0]
        else:
            assert (q.scaleOffsetEncoding.scale, q.scaleOffsetEncoding.offset) == (scale, offset)
        if handle:
            assert (b.memType, b.memHandle) == (1, 0x1000 + i)
        else:
            assert (b.memType, b.clientBuf.dataSize, len(b.clientBuf.data)) == (0, 8 * i + 1, 8 * i + 1)
        if v2:
            assert (b.isDynamicDimensions, b.isProduced) == (dynamic, i % 2)
            assert (b.sparseParams.type, b.sparseParams.hybridCoo.numSpecifiedElements,
                    b.sparseParams.hybridCoo.numSparseDimensions) == (1, 5 * i, i)
