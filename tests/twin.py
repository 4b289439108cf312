"""Builds one graph twice: through the QNN API (GraphBuilder) and as an ONNX model, so that
onnx.reference / onnxruntime can check qnnpy independently. Each op helper adds both."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qnnpy.builder import GraphBuilder, io_tensor, quantize_params
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_SFIXED_POINT_8,
                            QNN_DATATYPE_UFIXED_POINT_8, QNN_TENSOR_TYPE_APP_READ,
                            QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE)


class Twin:
    def __init__(self, graph_handle, encodings: dict | None = None):
        """``encodings`` maps tensor name -> (scale, offset): those tensors become UFIXED_8."""
        self.b = GraphBuilder(graph_handle)
        self.nodes, self.inits, self.count = [], [], 0
        self.enc = encodings
        self.inputs, self.shapes = [], {}

    def _dtype_quant(self, name):
        if self.enc is None or name not in self.enc:
            return QNN_DATATYPE_FLOAT_32, None
        scale, offset = self.enc[name]
        return QNN_DATATYPE_UFIXED_POINT_8, quantize_params(scale, offset)

    def input(self, name, shape):
        dtype, quant = self._dtype_quant(name)
        t = self.b.tensor(name, QNN_TENSOR_TYPE_APP_WRITE, dtype, shape, quant=quant)
        self.inputs.append((name, t, shape))
        self.shapes[name] = tuple(shape)
        return name, t

    def const(self, array):
        self.count += 1
        name = f"c{self.count}"
        array = np.asarray(array, np.float32)
        self.inits.append(numpy_helper.from_array(array, name))
        if self.enc is not None:  # weights: symmetric signed 8-bit, offset 0
            scale = max(float(np.abs(array).max()), 1e-6) / 127
            q = np.clip(np.rint(array / scale), -127, 127).astype(np.int8)
            t = self.b.static(name, q, QNN_DATATYPE_SFIXED_POINT_8, quantize_params(scale, 0))
        else:
            t = self.b.static(name, array)
        self.shapes[name] = array.shape
        return name, t

    def op(self, qnn_type, onnx_type, ins, shape, qnn_params=None, onnx_attrs=None, onnx_extra=()):
        self.count += 1
        name = f"t{self.count}"
        dtype, quant = self._dtype_quant(name)
        out = self.b.tensor(name, QNN_TENSOR_TYPE_NATIVE, dtype, shape, quant=quant)
        self.b.node(qnn_type, [t for _, t in ins], [out], **(qnn_params or {}))
        self.nodes.append(helper.make_node(onnx_type, [n for n, _ in ins] + list(onnx_extra), [name],
                                           **(onnx_attrs or {})))
        self.shapes[name] = tuple(shape)
        return name, out

    def output(self, src):
        """Copy ``src`` into an APP_READ tensor named y (a Reshape to the same shape)."""
        shape = self.shapes[src[0]]
        dtype, quant = self._dtype_quant("y")
        y = self.b.tensor("y", QNN_TENSOR_TYPE_APP_READ, dtype, shape, quant=quant)
        self.b.node("Reshape", [src[1]], [y])
        self.nodes.append(helper.make_node("Identity", [src[0]], ["y"]))
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
