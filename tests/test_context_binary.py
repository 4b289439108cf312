"""getBinary -> createFromBinary is lossless, and hostile bytes only ever give error codes."""
import struct

import numpy as np
from hypothesis import given, settings, strategies as st

from qnnpy import QnnContext, QnnGraph, QnnSystemContext
from qnnpy.builder import io_tensor
from qnnpy.examples import transformer_block as tb
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, QnnContext_Config_t
from tests.support import fresh_api

HIDDEN, SEQ, HEADS = 32, 8, 4


def _block(api):
    graph = api.graph("block")
    x, y = tb.build_qnn(graph, tb.make_weights(HIDDEN, seed=3), SEQ, HIDDEN, HEADS)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, x, y


def _execute(graph, x, y, data):
    out = np.zeros((1, SEQ, HIDDEN), np.float32)
    assert QnnGraph.QnnGraph_execute(graph, [io_tensor(x, data)], 1, [io_tensor(y, out)], 1, None, None) == 0
    return out


def _binary(api):
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    assert err == 0
    buf = bytearray(size)
    err, written = QnnContext.QnnContext_getBinary(api.context, buf, size)
    assert (err, written) == (0, size)
    return buf


_SHARED = {}


def _shared_binary():
    """One serialized block for the fuzz tests (building it per example would dominate)."""
    if not _SHARED:
        with fresh_api() as api:
            _block(api)
            _SHARED["bytes"] = bytes(_binary(api))
    return _SHARED["bytes"]


def test_round_trip_is_bit_identical(api):
    graph, x, y = _block(api)
    data = np.random.default_rng(0).standard_normal((1, SEQ, HIDDEN)).astype(np.float32)
    expected = _execute(graph, x, y, data)
    buf = _binary(api)
    for config in (None, [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]):
        for blob in (bytes(buf), bytearray(buf)):
            err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, config, blob, len(blob), None)
            assert err == 0
            err, loaded = QnnGraph.QnnGraph_retrieve(ctx, "block")
            assert err == 0
            assert np.array_equal(_execute(loaded, x, y, data), expected)
            assert QnnContext.QnnContext_free(ctx, None) == 0


def test_without_persistent_binary_the_client_may_reuse_its_buffer(api):
    graph, x, y = _block(api)
    data = np.ones((1, SEQ, HIDDEN), np.float32)
    expected = _execute(graph, x, y, data)
    buf = _binary(api)
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, buf, len(buf), None)
    assert err == 0
    buf[:] = bytes(len(buf))  # the client scribbles over its buffer after loading
    _, loaded = QnnGraph.QnnGraph_retrieve(ctx, "block")
    assert np.array_equal(_execute(loaded, x, y, data), expected)


def test_binary_info_describes_graphs_and_io(api):
    _block(api)
    buf = _binary(api)
    err, sysctx = QnnSystemContext.QnnSystemContext_create()
    assert err == 0
    err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, buf, len(buf))
    assert err == 0 and info.version == 3  # what the real QAIRT 2.51 system library returns
    body = info.contextBinaryInfoV3
    assert body.backendId == 6 and body.numGraphs == 1 and body.graphs[0].version == 3
    g = body.graphs[0].graphInfoV3
    assert g.graphName == "block"
    assert [t.v2.name for t in g.graphInputs] == ["x"] and [t.v2.name for t in g.graphOutputs] == ["y"]
    assert list(g.graphInputs[0].v2.dimensions) == [1, SEQ, HIDDEN]
    # the HTP records, decoded with the layout measured on the real library (40 + 72 bytes)
    assert g.graphBlobInfoSize == len(g.graphBlobInfo) == 112
    v1_version, spill, vtcm = struct.unpack_from("<I4xQI", g.graphBlobInfo, 0)
    v2_version, io_size, op_data, const, ddr, shared = struct.unpack_from("<I28xQQQQQ", g.graphBlobInfo, 40)
    assert (v1_version, v2_version, spill, vtcm, op_data, ddr, shared) == (1, 2, 0, 0, 0, 0, 0)
    assert io_size == 2 * SEQ * HIDDEN * 4
    weights = sum(w.nbytes for w in tb.make_weights(HIDDEN, seed=3).values())
    assert weights <= const < weights + 1024
    assert struct.unpack("<II", body.contextMetadata) == (1, 0) and body.contextMetadataSize == 8
    assert body.platformInfo.version == 1 and body.platformInfo.v1.numHwDevices == 1
    assert QnnSystemContext.QnnSystemContext_free(sysctx) == 0


# the codes the real backend gives bad binaries (docs/qnn-facts.md), plus checksum failures
LOAD_ERRORS = (QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, QnnContext.QNN_CONTEXT_ERROR_BINARY_VERSION,
               QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, QnnSystemContext.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT,
               QnnSystemContext.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mutated_or_truncated_binaries_only_give_error_codes(data):
    blob = bytearray(_shared_binary())
    how = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if how == "flip":
        for i in data.draw(st.sets(st.integers(0, len(blob) - 1), min_size=1, max_size=8)):
            blob[i] ^= data.draw(st.integers(1, 255))  # distinct offsets: flips never cancel
    elif how == "truncate":
        blob = blob[:data.draw(st.integers(0, len(blob) - 1))]
    else:
        i = data.draw(st.integers(0, len(blob)))
        blob[i:i] = data.draw(st.binary(min_size=1, max_size=64))
    with fresh_api() as api:
        err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(blob), len(blob), None)
        assert err in LOAD_ERRORS
        assert ctx is None
        assert len(api.errors()) == 1
        err, sysctx = QnnSystemContext.QnnSystemContext_create()
        err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, bytes(blob), len(blob))
        assert err == QnnSystemContext.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY


def test_a_checksummed_but_hostile_binary_is_rejected_cleanly(api):
    """Valid container, absurd metadata: the IR checks still apply after the checksum."""
    from qnnpy.htp import container
    meta = {"build_id": "x", "context_tensors": [], "graphs": [{"name": "g", "tensors": [
        {"id": 1, "name": "big", "kind": 3, "dtype": 562, "dims": [65536, 65536, 65536],
         "encoding": None, "data": None}], "nodes": []}]}
    layout = container.Layout(container.KIND_CONTEXT, meta, [])
    buf = bytearray(layout.total)
    layout.write(memoryview(buf))
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), len(buf), None)
    assert err == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY
    assert "4 GiB" in api.errors()[-1]


def test_another_sdk_version_is_a_version_error(api):
    from qnnpy.htp import container
    _block(api)
    buf = _binary(api)
    buf[16:32] = b"2.42.0".ljust(16, b"\0")
    view = memoryview(buf)
    view[container.CHECKSUM_AT:container.CHECKSUM_AT + 8] = container.checksum(view).to_bytes(8, "little")
    err, _ = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), len(buf), None)
    assert err == QnnContext.QNN_CONTEXT_ERROR_BINARY_VERSION
    assert "2.42.0" in api.errors()[-1]


def test_free_releases_a_persistent_mmap(api, tmp_path):
    import mmap
    _block(api)
    path = tmp_path / "ctx.bin"
    path.write_bytes(_binary(api))
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    config = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, config, mapped, len(mapped), None)
    assert err == 0
    _, graph = QnnGraph.QnnGraph_retrieve(ctx, "block")
    _execute(graph, *_io_structs(api), np.zeros((1, SEQ, HIDDEN), np.float32))
    assert QnnContext.QnnContext_free(ctx, None) == 0
    mapped.close()  # raises BufferError if qnnpy still held a view of the mapping


def _io_structs(api):
    from qnnpy import QnnSystemContext as S
    _, sysctx = S.QnnSystemContext_create()
    buf = _binary(api)
    _, info, _ = S.QnnSystemContext_getBinaryInfo(sysctx, buf, len(buf))
    g = info.contextBinaryInfoV3.graphs[0].graphInfoV3
    return g.graphInputs[0], g.graphOutputs[0]
