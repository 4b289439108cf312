"""Run a converted model through the public API, for the converter tests."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.builder import io_tensor
from qnnpy.tools import model_file


class Loaded:
    """A .qnnpy model composed into a fresh context; ``run`` takes and returns float arrays,
    quantizing and dequantizing I/O with the model's encodings when it is quantized."""

    def __init__(self, path):
        self.graphs, self.info = model_file.load(path)
        self.graph = self.graphs[0]
        _, self.backend = QnnBackend.QnnBackend_create(None, None)
        _, self.context = QnnContext.QnnContext_create(self.backend, None, None)
        _, self.handle = QnnGraph.QnnGraph_create(self.context, self.graph.name, None)
        self.registered = model_file.compose(self.handle, self.graph)

    def _to_storage(self, name, values):
        t = self.graph.tensors[name]
        if t.encoding is None:
            return np.ascontiguousarray(values, np.float16 if t.dtype == "FLOAT_16" else values.dtype)
        bits = int(t.dtype.rsplit("_", 1)[1])
        codes = np.clip(np.rint(values / t.encoding.scale) - t.encoding.offset, 0, 2 ** bits - 1)
        return codes.astype(np.uint8 if bits == 8 else np.uint16)

    def run(self, **inputs) -> dict:
        ins = [io_tensor(self.registered[n], self._to_storage(n, v)) for n, v in inputs.items()]
        outs = {}
        for name in self.graph.outputs:
            t = self.graph.tensors[name]
            dtype = np.float32 if t.dtype == "FLOAT_32" else np.float16 if t.dtype == "FLOAT_16" else \
                np.uint8 if t.dtype.endswith("_8") else np.uint16
            outs[name] = np.zeros(t.shape, dtype)
        err = QnnGraph.QnnGraph_execute(self.handle, ins, len(ins), [io_tensor(self.registered[n], b) for n, b in outs.items()],
                                        len(outs), None, None)
        assert err == 0, err
        result = {}
        for name, raw in outs.items():
            enc = self.graph.tensors[name].encoding
            result[name] = raw.astype(np.float32) if enc is None else (raw.astype(np.float64) + enc.offset) * enc.scale
        return result

    def close(self):
        QnnBackend.QnnBackend_free(self.backend)


def run_onnxruntime(model, feeds: dict, exact: bool = False) -> list:
    """The independent reference. ``exact``: no graph optimizations (which would fuse QDQ
    pairs into integer kernels)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if exact:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"]).run(None, feeds)


def sqnr_db(ref, got) -> float:
    noise = float(np.sum((ref.astype(np.float64) - got) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref.astype(np.float64) ** 2)) / noise)


def qdq_model(model, encodings: dict):
    """An independent simulation of a converted model: a copy of the ONNX ``model`` with
    QuantizeLinear/DequantizeLinear pairs on every tensor the converter's AIMET 1.0.0
    ``encodings`` name (activations after they are produced, weights where they are read),
    for onnxruntime to run. QNN's offset is the negative zero point."""
    import onnx
    from onnx import helper, numpy_helper
    qdq = onnx.ModelProto()
    qdq.CopyFrom(model)
    for opset in qdq.opset_import:
        if opset.domain in ("", "ai.onnx"):
            opset.version = max(opset.version, 21)  # 16-bit QuantizeLinear
    g = qdq.graph
    shapes = {i.name: numpy_helper.to_array(i).shape for i in g.initializer}
    entries = {e["name"]: e for e in encodings["activation_encodings"] + encodings["param_encodings"]
               if e["dtype"] != "FLOAT"}

    def pair(name):
        e = entries[name]
        storage = (np.int8 if e["bw"] <= 8 else np.int16) if e["is_sym"] else (np.uint8 if e["bw"] <= 8 else np.uint16)
        per_channel = e["enc_type"] == "PER_CHANNEL"
        scale = np.array(e["scale"] if per_channel else e["scale"][0], np.float32)
        zero = np.array([-o for o in e["offset"]] if per_channel else -e["offset"][0], storage)
        g.initializer.extend([numpy_helper.from_array(scale, name + "/qdq_scale"),
                              numpy_helper.from_array(zero, name + "/qdq_zero")])
        axis = {"axis": len(shapes[name]) - 1} if per_channel else {}
        args = [name + "/qdq_scale", name + "/qdq_zero"]
        return [helper.make_node("QuantizeLinear", [name] + args, [name + "/q"], **axis),
                helper.make_node("DequantizeLinear", [name + "/q"] + args, [name + "/dq"], **axis)]

    nodes = []
    sources = [i.name for i in g.input] + [i.name for i in g.initializer if i.name in entries]
    for name in sources:
        if name in entries:
            nodes += pair(name)
    for node in g.node:
        node.input[:] = [i + "/dq" if i in entries else i for i in node.input]
        nodes.append(node)
        for out in node.output:
            if out in entries:
                nodes += pair(out)
    for out in g.output:
        if out.name in entries:
            nodes.append(helper.make_node("Identity", [out.name + "/dq"], [out.name + "/final"]))
            out.name = out.name + "/final"
    del g.node[:]
    g.node.extend(nodes)
    return qdq


def promoted(doc: dict, names: set, bits: int = 16) -> dict:
    """A copy of an AIMET 1.0.0 document with the named activations at ``bits``, same range."""
    entries = []
    for e in doc["activation_encodings"]:
        if e["name"] in names:
            lo = e["scale"][0] * e["offset"][0]
            scale = e["scale"][0] * (2 ** e["bw"] - 1) / (2 ** bits - 1)
            e = dict(e, bw=bits, scale=[scale], offset=[round(lo / scale)])
        entries.append(e)
    return dict(doc, activation_encodings=entries)


def residual_stream(doc: dict) -> set:
    """The example decoder's residual stream: its input, every residual sum, its output."""
    return {e["name"] for e in doc["activation_encodings"] if e["name"] in ("x", "logits") or ".residual" in e["name"]}
