"""Branch finding on small graphs: a bias after the base projection and a scale computed
from a Cast are seen through; an Add of two biases is no projection (and no crash)."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qnnpy.tools.lora_branches import find_branches


def _model(base_add_of_biases: bool):
    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name) for name, shape in
             (("W", (8, 6)), ("bias", (6,)), ("A", (8, 2)), ("B", (2, 6)), ("bias2", (6,)))]
    nodes = [helper.make_node("Constant", [], ["half64"], value=numpy_helper.from_array(np.array(0.25, np.float64))),
             helper.make_node("Cast", ["half64"], ["half"], to=TensorProto.FLOAT),
             helper.make_node("MatMul", ["x", "A"], ["down"]),
             helper.make_node("MatMul", ["down", "B"], ["up"]),
             helper.make_node("Mul", ["up", "half"], ["scaled"])]
    if base_add_of_biases:
        nodes.append(helper.make_node("Add", ["bias", "bias2"], ["base"]))
    else:
        nodes += [helper.make_node("MatMul", ["x", "W"], ["proj"]), helper.make_node("Add", ["proj", "bias"], ["base"])]
    nodes.append(helper.make_node("Add", ["base", "scaled"], ["y"]))
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_a_biased_projection_with_a_computed_scale_is_a_branch():
    (branch,) = find_branches(_model(base_add_of_biases=False))
    assert (branch.down.name, branch.up.name, branch.base_weight) == ("A", "B", "W")
    assert branch.scale == 0.25


def test_an_add_of_two_biases_is_not_a_projection():
    assert find_branches(_model(base_add_of_biases=True)) == []
