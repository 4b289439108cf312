"""Builds one graph twice: through the QNN API (GraphBuilder) and as an ONNX model, so that
onnx.reference / onnxruntime can check qnnpy independently. Each op helper adds both."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qnnpy.builder import GraphBuilder, io_tensor, quantize_params
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_SFIXED_POINT_8,
                            QNN_DATATYPE_UFIXED_POINT_8, QNN_TENSOR_TYPE_APP_READ,
                            QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE)


class Twin:
    def __init__(self, graph_handle, encodings: dict | None = None, qdq: bool = False,
                 quantize_weights: bool = True):
        """``encodings`` maps tensor name -> (qnn dtype, scale, offset) for fixed-point tensors;
        with them, weights are 8-bit symmetric unless ``quantize_weights`` is False."""
        self.b = GraphBuilder(graph_handle)
        self.nodes, self.inits, self.count = [], [], 0
        self.enc = encodings
        self.qdq = qdq
        self.quantize_weights = quantize_weights and encodings is not None
        self._qdq_nodes = []
        self.inputs, self.shapes = [], {}

    def _dtype_quant(self, name):
        if self.enc is None or name not in self.enc:
            return QNN_DATATYPE_FLOAT_32, None
        dtype, scale, offset = self.enc[name]
        return dtype, quantize_params(scale, offset)

    def input(self, name, shape):
        dtype, quant = self._dtype_quant(name)
        t = self.b.tensor(name, QNN_TENSOR_TYPE_APP_WRITE, dtype, shape, quant=quant)
        onnx_name = name
        if self.qdq and self.enc is not None and name in self.enc:
            onnx_name = f"{name}_in"
            self._produce(helper.make_node("Identity", [onnx_name], [self._qdq_source(name)]))
        self.inputs.append((onnx_name, t, shape))
        self.shapes[name] = tuple(shape)
        return name, t

    def const(self, array):
        self.count += 1
        name = f"c{self.count}"
        array = np.asarray(array, np.float32)
        if self.quantize_weights:  # weights: symmetric signed 8-bit, offset 0
            scale = max(float(np.abs(array).max()), 1e-6) / 127
            q = np.clip(np.rint(array / scale), -127, 127).astype(np.int8)
            t = self.b.static(name, q, QNN_DATATYPE_SFIXED_POINT_8, quantize_params(scale, 0))
            if self.qdq:  # the oracle sees the weights the graph really holds
                array = (q.astype(np.float64) * np.float32(scale)).astype(np.float32)
        else:
            t = self.b.static(name, array)
        self.inits.append(numpy_helper.from_array(array, name))
        self.shapes[name] = array.shape
        return name, t

    def op(self, qnn_type, onnx_type, ins, shape, qnn_params=None, onnx_attrs=None, onnx_extra=()):
        self.count += 1
        name = f"t{self.count}"
        dtype, quant = self._dtype_quant(name)
        out = self.b.tensor(name, QNN_TENSOR_TYPE_NATIVE, dtype, shape, quant=quant)
        self.b.node(qnn_type, [t for _, t in ins], [out], **(qnn_params or {}))
        self._produce(helper.make_node(onnx_type, [n for n, _ in ins] + list(onnx_extra),
                                       [self._qdq_source(name)], **(onnx_attrs or {})))
        self.shapes[name] = tuple(shape)
        return name, out

    def _qdq_source(self, name):
        """With ``qdq``, the ONNX twin quantizes and dequantizes every fixed-point tensor the
        way ONNX defines it (QuantizeLinear / DequantizeLinear): an independent oracle for
        qnnpy's fixed-point simulation. Returns the name the producing node should write."""
        if not self.qdq or self.enc is None or name not in self.enc:
            return name
        dtype, scale, offset = self.enc[name]
        zp_type = np.uint8 if dtype == QNN_DATATYPE_UFIXED_POINT_8 else np.uint16
        self.inits += [numpy_helper.from_array(np.array(scale, np.float32), f"{name}_scale"),
                       numpy_helper.from_array(np.array(-offset, zp_type), f"{name}_zp")]
        self._qdq_nodes = [
            helper.make_node("QuantizeLinear", [f"{name}_f", f"{name}_scale", f"{name}_zp"], [f"{name}_q"]),
            helper.make_node("DequantizeLinear", [f"{name}_q", f"{name}_scale", f"{name}_zp"], [name])]
        return f"{name}_f"

    def _produce(self, node):
        """Append a producing node, then the Q/DQ pair ``_qdq_source`` prepared for it."""
        self.nodes.append(node)
        self.nodes += self._qdq_nodes
        self._qdq_nodes = []

    def output(self, src):
        """Copy ``src`` into an APP_READ tensor named y (a Reshape to the same shape)."""
        shape = self.shapes[src[0]]
        dtype, quant = self._dtype_quant("y")
        y = self.b.tensor("y", QNN_TENSOR_TYPE_APP_READ, dtype, shape, quant=quant)
        self.b.node("Reshape", [src[1]], [y])
        self._produce(helper.make_node("Identity", [src[0]], [self._qdq_source("y")]))
        self.shapes["y"] = shape
        return y

    def onnx_model(self, extra_outputs=()):
        ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, _, s in self.inputs]
        outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
                for n in ("y",) + tuple(extra_outputs)]
        graph = helper.make_graph(self.nodes, "twin", ins, outs, self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)


def run(graph_handle, inputs: list[tuple], y_struct, y_dtype=np.float32):
    """Execute with float inputs [(struct, array)]; returns the raw output array."""
    from qnnpy import QnnGraph
    out = np.zeros([int(d) for d in y_struct.v2.dimensions], y_dtype)
    err = QnnGraph.QnnGraph_execute(graph_handle, [io_tensor(t, a) for t, a in inputs], len(inputs),
                                    [io_tensor(y_struct, out)], 1, None, None)
    return err, out
