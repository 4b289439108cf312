"""One ONNX node on its own, as a model: evaluated on constant inputs by onnx's reference
evaluator (constant folding in the converter, computed scales in LoRA branch finding) or
handed to shape inference. Both need the source model's IR version and local functions."""
import numpy as np
import onnx
from onnx import helper


def single_node_model(graph: onnx.GraphProto, opsets, source: onnx.ModelProto) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=opsets, ir_version=source.ir_version)
    model.functions.extend(source.functions)
    return model


def evaluate_node(node: onnx.NodeProto, feeds: dict, opsets, source: onnx.ModelProto) -> list[np.ndarray] | None:
    """The node's outputs (named ones, in order) over ``feeds``; None when the reference
    evaluator cannot compute them or they are not tensors (a sequence, say)."""
    from onnx.reference import ReferenceEvaluator
    inputs = [helper.make_tensor_value_info(i, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
              for i, v in feeds.items()]
    graph = helper.make_graph([node], "evaluate", inputs, [helper.make_value_info(o, onnx.TypeProto())
                                                           for o in node.output if o])
    try:
        with np.errstate(all="ignore"):
            results = ReferenceEvaluator(single_node_model(graph, opsets, source)).run(None, feeds)
    except Exception:  # anything the evaluator cannot do: the caller treats the node as not constant
        return None
    if not all(isinstance(r, np.ndarray) or np.isscalar(r) for r in results):
        return None
    return [np.asarray(r) for r in results]
