"""Single-op ONNX models for the per-op agreement table (tests/shim/test_op_agreement.py): each
op with non-default attributes where it has them, in float32 and quantized by ONNX Runtime's
own QDQ tool with 8- and 16-bit activations."""
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SHAPE = [1, 4, 6, 8]
FLOAT_ONLY = {"resize_nearest"}  # ORT's QNN EP leaves a quantized Resize to the CPU provider


def _rng(name: str):
    return np.random.default_rng(sum(map(ord, name)))


def _cases():
    """(name, node builder, extra inputs (name -> array) fed at run time, initializers, input transform)."""
    r = np.random.default_rng(3)
    w_mm = (r.standard_normal((8, 5)) / 3).astype(np.float32)
    w_conv = (r.standard_normal((3, 4, 3, 3)) / 6).astype(np.float32)
    gamma, beta = (1 + 0.1 * r.standard_normal(8)).astype(np.float32), (0.1 * r.standard_normal(8)).astype(np.float32)
    w_deconv = (r.standard_normal((4, 2, 3, 3)) / 6).astype(np.float32)
    scale_in, bias_in = (1 + 0.2 * r.standard_normal(4)).astype(np.float32), (0.2 * r.standard_normal(4)).astype(np.float32)
    n = helper.make_node
    return [
        ("add", n("Add", ["x", "y"], ["out"]), True, {}, None),
        ("mul", n("Mul", ["x", "y"], ["out"]), True, {}, None),
        ("sub", n("Sub", ["x", "y"], ["out"]), True, {}, None),
        ("div", n("Div", ["x", "y"], ["out"]), True, {}, "away_from_zero"),
        ("relu", n("Relu", ["x"], ["out"]), False, {}, None),
        ("sigmoid", n("Sigmoid", ["x"], ["out"]), False, {}, None),
        ("tanh", n("Tanh", ["x"], ["out"]), False, {}, None),
        ("exp", n("Exp", ["x"], ["out"]), False, {}, None),
        ("sqrt", n("Sqrt", ["x"], ["out"]), False, {}, "positive"),
        ("gelu", n("Gelu", ["x"], ["out"]), False, {}, None),
        ("leaky_relu", n("LeakyRelu", ["x"], ["out"], alpha=0.2), False, {}, None),
        ("softmax_last", n("Softmax", ["x"], ["out"], axis=-1), False, {}, None),
        ("softmax_axis1", n("Softmax", ["x"], ["out"], axis=1), False, {}, None),
        ("layernorm", n("LayerNormalization", ["x", "gamma", "beta"], ["out"], axis=-1, epsilon=1e-3), False,
         {"gamma": gamma, "beta": beta}, None),
        ("matmul", n("MatMul", ["x", "w"], ["out"]), False, {"w": w_mm}, None),
        ("conv", n("Conv", ["x", "wc"], ["out"], pads=[1, 1, 1, 1], strides=[1, 2]), False, {"wc": w_conv}, None),
        ("maxpool", n("MaxPool", ["x"], ["out"], kernel_shape=[2, 2], strides=[2, 2]), False, {}, None),
        ("avgpool", n("AveragePool", ["x"], ["out"], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1],
                      count_include_pad=0), False, {}, None),
        ("reducemean", n("ReduceMean", ["x", "axes"], ["out"], keepdims=1), False,
         {"axes": np.array([-1], np.int64)}, None),
        ("transpose", n("Transpose", ["x"], ["out"], perm=[0, 2, 3, 1]), False, {}, None),
        ("depth_to_space_dcr", n("DepthToSpace", ["x"], ["out"], blocksize=2, mode="DCR"), False, {}, None),
        ("depth_to_space_crd", n("DepthToSpace", ["x"], ["out"], blocksize=2, mode="CRD"), False, {}, None),
        ("instance_norm", n("InstanceNormalization", ["x", "s", "b"], ["out"], epsilon=1e-3), False,
         {"s": scale_in, "b": bias_in}, None),
        ("hard_sigmoid", n("HardSigmoid", ["x"], ["out"], alpha=0.3, beta=0.4), False, {}, None),
        ("conv_transpose", n("ConvTranspose", ["x", "wd"], ["out"], strides=[2, 2], pads=[1, 1, 1, 1],
                             output_padding=[1, 0]), False, {"wd": w_deconv}, None),
        ("resize_nearest", n("Resize", ["x", "", "scales"], ["out"], mode="nearest",
                             coordinate_transformation_mode="asymmetric", nearest_mode="floor"), False,
         {"scales": np.array([1, 1, 2, 2], np.float32)}, None),
    ]


def _inputs(name, two, transform):
    rng = _rng(name)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    if transform == "positive":
        x = np.abs(x) + 0.05
    feeds = {"x": x}
    if two:
        y = rng.standard_normal(SHAPE).astype(np.float32)
        if transform == "away_from_zero":
            y = (np.sign(y) + (y == 0)) * (np.abs(y) + 0.5)
        feeds["y"] = y.astype(np.float32)
    return feeds


def _qparams(values: np.ndarray, bits: int) -> tuple[float, int]:
    """Asymmetric min/max encoding over a range that includes 0 (the QNN convention)."""
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    top = (1 << bits) - 1
    scale = (hi - lo) / top or 1.0
    return scale, int(np.clip(round(-lo / scale), 0, top))


def _qdq(model, feeds: dict, output: np.ndarray, bits: int):
    """The float model with QuantizeLinear/DequantizeLinear around every float input, weight
    (8 bit) and the output (``bits``): the QDQ form ORT's QNN EP runs as a fixed-point graph."""
    g = model.graph
    storage = {8: (TensorProto.UINT8, np.uint8), 16: (TensorProto.UINT16, np.uint16)}
    nodes, inits, renamed = [], list(g.initializer), {}
    floats = {i.name: numpy_helper.to_array(i) for i in g.initializer if i.data_type == TensorProto.FLOAT}

    def wrap(name, values, width, quantize_first):
        scale, zero = _qparams(values, width)
        proto, dtype = storage[width]
        inits.extend([numpy_helper.from_array(np.array(scale, np.float32), f"{name}_s"),
                      helper.make_tensor(f"{name}_z", proto, [], [zero])])
        source = name
        if quantize_first:
            nodes.append(helper.make_node("QuantizeLinear", [name, f"{name}_s", f"{name}_z"], [f"{name}_q"]))
            source = f"{name}_q"
        nodes.append(helper.make_node("DequantizeLinear", [source, f"{name}_s", f"{name}_z"], [f"{name}_dq"]))
        renamed[name] = f"{name}_dq"

    for name, values in feeds.items():
        wrap(name, values, bits, True)
    for name, values in floats.items():
        scale, zero = _qparams(values, 8)
        codes = np.clip(np.rint(values / scale) + zero, 0, 255).astype(np.uint8)
        inits = [i for i in inits if i.name != name] + [numpy_helper.from_array(codes, name)]
        wrap(name, values, 8, False)
    (node,) = g.node
    op = helper.make_node(node.op_type, [renamed.get(i, i) for i in node.input], ["out_f"], domain=node.domain)
    op.attribute.extend(node.attribute)
    nodes.append(op)
    scale, zero = _qparams(output, bits)
    proto, _ = storage[bits]
    inits.extend([numpy_helper.from_array(np.array(scale, np.float32), "out_s"), helper.make_tensor("out_z", proto, [], [zero])])
    nodes.append(helper.make_node("QuantizeLinear", ["out_f", "out_s", "out_z"], ["out_q"]))
    nodes.append(helper.make_node("DequantizeLinear", ["out_q", "out_s", "out_z"], ["out"]))
    graph = helper.make_graph(nodes, g.name, list(g.input), list(g.output), inits)
    qdq = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    qdq.ir_version = 10
    return qdq, scale


def write(folder: pathlib.Path) -> dict:
    """Writes <name>.onnx and <name>.in.npz for every case and precision; returns
    {case name: (op, precision, output scale or None)}."""
    import onnxruntime as ort
    written = {}
    for name, node, two, consts, transform in _cases():
        feeds = _inputs(name, two, transform)
        inputs = [helper.make_tensor_value_info(k, TensorProto.FLOAT, v.shape) for k, v in feeds.items()]
        graph = helper.make_graph([node], name, inputs, [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
                                  [numpy_helper.from_array(v, k) for k, v in consts.items()])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
        model.ir_version = 10
        model = onnx.shape_inference.infer_shapes(model)
        onnx.save(model, folder / f"{name}.f32.onnx")
        np.savez(folder / f"{name}.f32.in.npz", **feeds)
        written[f"{name}.f32"] = (name, "float32", None)
        output = ort.InferenceSession(str(folder / f"{name}.f32.onnx"), providers=["CPUExecutionProvider"]).run(
            None, feeds)[0]
        for bits in () if name in FLOAT_ONLY else (8, 16):
            qdq, scale = _qdq(model, feeds, output, bits)
            onnx.save(qdq, folder / f"{name}.a{bits}.onnx")
            np.savez(folder / f"{name}.a{bits}.in.npz", **feeds)
            written[f"{name}.a{bits}"] = (name, f"a{bits}", scale)
    return written
