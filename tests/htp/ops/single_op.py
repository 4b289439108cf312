"""Run one QNN op through the public API on float32 (or given-dtype) arrays."""
import numpy as np

from qnnpy import QnnContext, QnnGraph
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_16, QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_INT_8,
                            QNN_DATATYPE_INT_16, QNN_DATATYPE_INT_32, QNN_DATATYPE_UINT_8,
                            QNN_DATATYPE_UINT_16, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE)

QNN_OF = {np.dtype(np.float32): QNN_DATATYPE_FLOAT_32, np.dtype(np.float16): QNN_DATATYPE_FLOAT_16,
          np.dtype(np.int32): QNN_DATATYPE_INT_32, np.dtype(np.int16): QNN_DATATYPE_INT_16,
          np.dtype(np.int8): QNN_DATATYPE_INT_8, np.dtype(np.uint8): QNN_DATATYPE_UINT_8,
          np.dtype(np.uint16): QNN_DATATYPE_UINT_16}


def run_op(api, op_type, inputs, out_shapes, statics=(), out_dtype=np.float32, quant=None, **params):
    """inputs: client-fed arrays; statics: weight arrays (after the inputs, in order).

    ``quant`` maps "in<i>"/"out<i>" to (qnn dtype, Qnn_QuantizeParams_t) for fixed-point I/O.
    Returns (error, outputs)."""
    quant = quant or {}
    err, context = QnnContext.QnnContext_create(api.backend, None, None)  # one per call: names repeat
    assert err == 0
    err, graph = QnnGraph.QnnGraph_create(context, op_type, None)
    assert err == 0
    b = GraphBuilder(graph)
    feeds, ins = [], []
    for i, arr in enumerate(inputs):
        dtype, qp = quant.get(f"in{i}", (QNN_OF[arr.dtype], None))
        t = b.tensor(f"in{i}", QNN_TENSOR_TYPE_APP_WRITE, dtype, arr.shape, quant=qp)
        feeds.append((t, arr))
        ins.append(t)
    ins += [b.static(f"w{i}", np.ascontiguousarray(w)) for i, w in enumerate(statics)]
    outs, buffers = [], []
    for i, shape in enumerate(out_shapes):
        dtype, qp = quant.get(f"out{i}", (QNN_OF[np.dtype(out_dtype)], None))
        outs.append(b.tensor(f"out{i}", QNN_TENSOR_TYPE_APP_READ, dtype, shape, quant=qp))
        buffers.append(np.zeros(shape, out_dtype))
    b.node(op_type, ins, outs, **params)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    err = QnnGraph.QnnGraph_execute(graph, [io_tensor(t, a) for t, a in feeds], len(feeds),
                                    [io_tensor(t, a) for t, a in zip(outs, buffers)], len(outs), None, None)
    assert QnnContext.QnnContext_free(context, None) == 0
    return err, buffers


def onnx_ref(op_type, inputs: dict, attrs=None, n_out=1, opset=20):
    """onnx.reference run of a one-node model (the independent oracle)."""
    from onnx import helper
    from onnx.reference import ReferenceEvaluator
    node = helper.make_node(op_type, list(inputs), [f"o{i}" for i in range(n_out)], **(attrs or {}))
    graph = helper.make_graph([node], "ref", [], [helper.make_tensor_value_info(f"o{i}", 0, None)
                                                  for i in range(n_out)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)
    return ReferenceEvaluator(model).run(None, inputs)
