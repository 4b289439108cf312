"""Quantized LoRA: each adapter brings its own weight encodings and changes the I/O
encodings; a client must refresh them from the adapter's binary info."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnTensor, lora
from qnnpy.builder import GraphBuilder, io_tensor, make_tensor, quantize_params
from qnnpy.QnnTypes import (QNN_DATATYPE_SFIXED_POINT_8, QNN_DATATYPE_UFIXED_POINT_8,
                            QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE,
                            QNN_TENSOR_TYPE_UPDATEABLE_STATIC)
from qnnpy.lora import section_buffer
from tests.lora_support import apply

U8, S8 = QNN_DATATYPE_UFIXED_POINT_8, QNN_DATATYPE_SFIXED_POINT_8


def _asym(values):
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = max(hi - lo, 1e-4) / 255  # QNN's minimum range: all-zero data still gets a valid step
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


class QuantLoraLayer:
    """y = x·W + alpha·((x·Aᵀ)·Bᵀ), everything 8-bit; A, B and the branch activations are
    updatable, so each adapter brings its own encodings (calibrated on float values)."""

    R = 4

    def __init__(self, api, x):
        rng = np.random.default_rng(7)
        self.api, self.x = api, x
        self.w = (rng.standard_normal((8, 6)) / 3).astype(np.float32)
        self.w_scale = float(np.abs(self.w).max()) / 127
        self.graph = api.graph("qlora")
        b = GraphBuilder(self.graph)
        from qnnpy.QnnTypes import QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE, QNN_TENSOR_TYPE_UPDATEABLE_NATIVE
        self.enc = self.encodings(np.zeros((self.R, 8), np.float32), np.zeros((6, self.R), np.float32))
        qp = {k: quantize_params(*v) for k, v in self.enc.items()}
        T = {}
        T["x"] = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, U8, (4, 8), quant=qp["x"])
        T["alpha"] = b.tensor("alpha", QNN_TENSOR_TYPE_APP_WRITE, U8, (1,), quant=quantize_params(1 / 255, 0))
        T["w"] = b.static("w", np.clip(np.rint(self.w / self.w_scale), -127, 127).astype(np.int8), S8,
                          quantize_params(self.w_scale, 0))
        for name, dims in (("A", (self.R, 8)), ("B", (6, self.R))):
            T[name] = b.tensor(name, QNN_TENSOR_TYPE_UPDATEABLE_STATIC, S8, dims, np.zeros(dims, np.int8), qp[name])
        T["base"] = b.tensor("base", QNN_TENSOR_TYPE_NATIVE, U8, (4, 6), quant=qp["base"])
        for name, dims in (("down", (4, self.R)), ("scaled", (4, self.R)), ("up", (4, 6))):
            T[name] = b.tensor(name, QNN_TENSOR_TYPE_UPDATEABLE_NATIVE, U8, dims, quant=qp[name])
        T["y"] = b.tensor("y", QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, U8, (4, 6), quant=qp["y"])
        b.node("MatMul", [T["x"], T["w"]], [T["base"]])
        b.node("MatMul", [T["x"], T["A"]], [T["down"]], transpose_in1=True)
        b.node("ElementWiseMultiply", [T["down"], T["alpha"]], [T["scaled"]])
        b.node("MatMul", [T["scaled"], T["B"]], [T["up"]], transpose_in1=True)
        b.node("ElementWiseAdd", [T["base"], T["up"]], [T["y"]])
        assert QnnGraph.QnnGraph_finalize(self.graph, None, None) == 0
        self.T = T

    def encodings(self, a, b):
        """Calibrated encodings of everything an adapter (A, B) touches, alpha taken as 1."""
        x, w = self.x, self.w
        down = x @ a.T
        up = down @ b.T
        base = x @ w
        enc = {"x": _asym(x), "base": _asym(base), "down": _asym(down), "scaled": _asym(down),
               "up": _asym(up), "y": _asym(base + up)}
        for name, v in (("A", a), ("B", b)):
            enc[name] = (max(float(np.abs(v).max()), 1e-6) / 127, 0)
        return {k: (max(s, 1e-8), o) for k, (s, o) in enc.items()}

    def section(self, a, b, section_type=1):
        enc = self.encodings(a, b)
        structs = []
        for name in ("A", "B", "down", "scaled", "up", "y"):
            ref = self.T[name].v1
            data = None
            if name in ("A", "B"):
                v = a if name == "A" else b
                data = np.clip(np.rint(v / enc[name][0]), -127, 127).astype(np.int8)
            t = make_tensor(name, ref.type, ref.dataType, ref.dimensions, data, quantize_params(*enc[name]))
            t.v1.id = ref.id
            structs.append(t)
        assert QnnTensor.QnnTensor_updateGraphTensors(self.graph, structs, len(structs)) == 0
        assert QnnGraph.QnnGraph_finalize(self.graph, None, None) == 0
        err, size = QnnContext.QnnContext_getBinarySectionSize(self.api.context, self.graph, section_type)
        buf = bytearray(size)
        assert QnnContext.QnnContext_getBinarySection(self.api.context, self.graph, section_type,
                                                      section_buffer(buf), None, None)[0] == 0
        return bytes(buf), enc

    def run(self, alpha_code, y_enc):
        xq = np.clip(np.rint(self.x / self.enc["x"][0]) - self.enc["x"][1], 0, 255).astype(np.uint8)
        out = np.zeros((4, 6), np.uint8)
        y = make_tensor("y", QNN_TENSOR_TYPE_UPDATEABLE_APP_READ, U8, (4, 6), quant=quantize_params(*y_enc))
        y.v1.id = self.T["y"].v1.id
        err = QnnGraph.QnnGraph_execute(self.graph, [io_tensor(self.T["x"], xq),
                                                     io_tensor(self.T["alpha"], np.array([alpha_code], np.uint8))],
                                        2, [io_tensor(y, out)], 1, None, None)
        assert err == 0
        return out, (out.astype(np.float64) + y_enc[1]) * y_enc[0]


def test_quantized_default_adapter_and_alpha_0_reproduce_the_base_within_one_step(api):
    x = np.random.default_rng(1).uniform(-1, 1, (4, 8)).astype(np.float32)
    layer = QuantLoraLayer(api, x)
    rng = np.random.default_rng(2)
    a = rng.standard_normal((QuantLoraLayer.R, 8)).astype(np.float32)
    b = rng.standard_normal((6, QuantLoraLayer.R)).astype(np.float32)
    sec_a, enc_a = layer.section(a, b)
    sec_default, enc_default = layer.section(np.zeros_like(a), np.zeros_like(b))
    assert apply(api.context, layer.graph, sec_default) == 0
    _, y_default = layer.run(255, enc_default["y"])
    assert apply(api.context, layer.graph, sec_a) == 0
    _, y_alpha0 = layer.run(0, enc_a["y"])
    _, y_a = layer.run(255, enc_a["y"])
    step = max(enc_default["y"][0], enc_a["y"][0])
    base_q = layer.enc["base"]
    base = np.clip(np.rint(x @ layer.w / base_q[0]) - base_q[1], 0, 255)  # the base's own 8-bit result
    base = (base + base_q[1]) * base_q[0]
    assert np.abs(y_default - y_alpha0).max() <= step + 1e-7
    assert np.abs(y_default - base).max() <= step + base_q[0]
    assert np.abs(y_a - y_default).max() > 5 * step  # the adapter really changes the output


def test_weights_and_quant_param_sections_compose_to_the_full_section(api):
    x = np.random.default_rng(3).uniform(-1, 1, (4, 8)).astype(np.float32)
    layer = QuantLoraLayer(api, x)
    rng = np.random.default_rng(4)
    ab = [(rng.standard_normal((QuantLoraLayer.R, 8)).astype(np.float32),
           rng.standard_normal((6, QuantLoraLayer.R)).astype(np.float32) * s) for s in (1, 3)]
    full_a, enc_a = layer.section(*ab[0])
    weights_a, _ = layer.section(*ab[0], section_type=2)
    quant_a, _ = layer.section(*ab[0], section_type=3)
    weights_b, _ = layer.section(*ab[1], section_type=2)
    quant_b, enc_b = layer.section(*ab[1], section_type=3)
    assert int.from_bytes(quant_a[56:64], "little") == 0  # a quant-params section carries no tensor bytes
    assert int.from_bytes(weights_a[56:64], "little") > 0
    assert apply(api.context, layer.graph, full_a) == 0
    expected = layer.run(200, enc_a["y"])[0]
    for sequence in ((weights_b, quant_b, weights_a, quant_a), (quant_b, weights_b, quant_a, weights_a)):
        for section in sequence:
            assert apply(api.context, layer.graph, section, section_type_of(section)) == 0
        assert np.array_equal(layer.run(200, enc_a["y"])[0], expected)


def section_type_of(section: bytes) -> int:
    import msgpack
    meta_size = int.from_bytes(section[40:48], "little")
    return msgpack.unpackb(section[128:128 + meta_size])["section"]
