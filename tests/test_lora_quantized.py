"""Quantized LoRA: each adapter brings its own weight encodings and changes the I/O
encodings; a client must refresh them from the adapter's binary info."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnTensor, lora
from qnnpy.builder import GraphBuilder, io_tensor, make_tensor, quantize_params
from qnnpy.QnnTypes import (QNN_DATATYPE_SFIXED_POINT_8, QNN_DATATYPE_UFIXED_POINT_8,
                            QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE,
                            QNN_TENSOR_TYPE_UPDATEABLE_STATIC)
from tests.lora_support import apply, section_buffer

U8, S8 = QNN_DATATYPE_UFIXED_POINT_8, QNN_DATATYPE_SFIXED_POINT_8


def _asym(values):
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = (hi - lo) / 255
    return scale, int(np.rint(lo / scale))


class Adapter:
    """Float weights, their 8-bit symmetric codes, and calibrated I/O encodings."""

    def __init__(self, seed, x):
        rng = np.random.default_rng(seed)
        self.w = (rng.standard_normal((8, 6)) * (1 + seed)).astype(np.float32)
        self.w_scale = float(np.abs(self.w).max()) / 127
        self.codes = np.clip(np.rint(self.w / self.w_scale), -127, 127).astype(np.int8)
        self.x_enc = _asym(x)
        self.y_enc = _asym(x @ (self.codes * np.float32(self.w_scale)))

    def structs(self, ids):
        w = make_tensor("w", QNN_TENSOR_TYPE_UPDATEABLE_STATIC, S8, (8, 6), self.codes, quantize_params(self.w_scale, 0))
        x = make_tensor("x", QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE, U8, (4, 8), quant=quantize_params(*self.x_enc))
        y = make_tensor("y", QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, U8, (4, 6), quant=quantize_params(*self.y_enc))
        for t in (w, x, y):
            t.v1.id = ids[t.v1.name]
        return [w, x, y]


def _compose(api):
    graph = api.graph("q")
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE, U8, (4, 8), quant=quantize_params(0.1, -128))
    w = b.tensor("w", QNN_TENSOR_TYPE_UPDATEABLE_STATIC, S8, (8, 6), np.zeros((8, 6), np.int8), quantize_params(0.01, 0))
    y = b.tensor("y", QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, U8, (4, 6), quant=quantize_params(0.1, -128))
    b.node("MatMul", [x, w], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, {"x": x, "w": w, "y": y}


def _make_sections(api, graph, structs, adapters):
    sections = []
    for adapter in adapters:
        ids = {k: v.v1.id for k, v in structs.items()}
        assert QnnTensor.QnnTensor_updateGraphTensors(graph, adapter.structs(ids), 3) == 0
        assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
        err, size = QnnContext.QnnContext_getBinarySectionSize(api.context, graph, 1)
        buf = bytearray(size)
        assert QnnContext.QnnContext_getBinarySection(api.context, graph, 1, section_buffer(buf), None, None)[0] == 0
        sections.append(bytes(buf))
    return sections


def test_adapters_bring_their_own_encodings_and_the_client_refreshes_them(api):
    x = np.random.default_rng(0).uniform(-1, 2, (4, 8)).astype(np.float32)
    adapters = [Adapter(1, x), Adapter(2, x)]
    graph, structs = _compose(api)
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    base = bytearray(size)
    QnnContext.QnnContext_getBinary(api.context, base, size)
    sections = _make_sections(api, graph, structs, adapters)
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(base), size, None)
    _, g = QnnGraph.QnnGraph_retrieve(ctx, "q")
    client = {k: make_tensor(v.v1.name, v.v1.type, v.v1.dataType, v.v1.dimensions, quant=v.v1.quantizeParams)
              for k, v in structs.items()}
    for k in client:
        client[k].v1.id = structs[k].v1.id
    for adapter, section in zip(adapters, sections):
        assert apply(ctx, g, section) == 0
        encodings = lora.adapter_io_encodings(section, "q")
        changed = lora.refresh_io_encodings(client.values(), encodings)
        assert "y" in changed  # every adapter has its own output range
        for name, (scale, offset) in (("x", adapter.x_enc), ("y", adapter.y_enc)):
            enc = client[name].v1.quantizeParams.scaleOffsetEncoding
            assert (enc.scale, enc.offset) == (np.float32(scale), offset)
        xq = lora.quantize(x, client["x"])
        out = np.zeros((4, 6), np.uint8)
        assert QnnGraph.QnnGraph_execute(g, [io_tensor(client["x"], xq)], 1, [io_tensor(client["y"], out)], 1,
                                         None, None) == 0
        got = lora.dequantize(out, client["y"])
        ref = lora.dequantize(xq, client["x"]) @ (adapter.codes * np.float32(adapter.w_scale))
        assert np.abs(got - ref).max() <= adapter.y_enc[0] * 0.5 + 1e-6  # within half a step: one rounding
    assert not [line for line in api.lines if line[0] == 2]  # no stale-encoding warning


def test_stale_io_encodings_warn_and_fail_in_strict_mode(api):
    x = np.random.default_rng(0).uniform(-1, 2, (4, 8)).astype(np.float32)
    graph, structs = _compose(api)
    (section,) = _make_sections(api, graph, structs, [Adapter(3, x)])
    stale = structs["x"]  # still the encoding from before the adapter
    out = np.zeros((4, 6), np.uint8)
    ins, outs = [io_tensor(stale, np.zeros((4, 8), np.uint8))], [io_tensor(structs["y"], out)]
    assert apply(api.context, graph, section) == 0
    assert QnnGraph.QnnGraph_execute(graph, ins, 1, outs, 1, None, None) == 0
    warnings = [text for level, text in api.lines if level == 2]
    assert any("input 'x'" in w and "stale" in w for w in warnings)
    assert any("output 'y'" in w for w in warnings)
    config = [QnnBackend.QnnBackend_Config_t(QnnBackend.QNN_BACKEND_CONFIG_OPTION_PLATFORM,
                                             platformOption="qnnpy.strict_io_encodings=1")]
    assert QnnBackend.QnnBackend_setConfig(api.backend, config) == 0
    assert QnnGraph.QnnGraph_execute(graph, ins, 1, outs, 1, None, None) == QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR
