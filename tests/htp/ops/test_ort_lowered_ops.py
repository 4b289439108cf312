"""The ops ORT's QNN EP lowers ONNX nodes to, beyond what the per-op ORT table exercises:
every ElementWiseNeuron activation against its formula, grouped TransposeConv2d against a
direct scatter written here, and ResizeNearestNeighbor's coordinate modes against onnxruntime's CPU Resize."""
import math

import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper

from tests.htp.ops.single_op import run_op

X = np.random.default_rng(3).standard_normal((2, 3, 4, 5)).astype(np.float32) * 3
ERF = np.vectorize(math.erf)
NEURON = {  # operation -> (params, formula)
    0: ({"alpha": 0.7}, lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0)))),
    1: ({}, lambda x: 0.5 * x * (1 + ERF(x / np.sqrt(2)))),
    2: ({"alpha": 0.3, "beta": 0.4}, lambda x: np.clip(0.3 * x + 0.4, 0, 1)),
    3: ({}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    4: ({}, lambda x: np.maximum(x, 0)),
    5: ({"min_value": -1.0, "max_value": 2.0}, lambda x: np.clip(x, -1, 2)),
    6: ({}, lambda x: 1 / (1 + np.exp(-x))),
    7: ({"beta": 2.0, "threshold": 5.0}, lambda x: np.where(2 * x > 5, x, np.log1p(np.exp(2 * x)) / 2)),
    8: ({}, np.tanh),
}


@pytest.mark.parametrize("operation", sorted(NEURON))
def test_element_wise_neuron(api, operation):
    params, formula = NEURON[operation]
    err, (out,) = run_op(api, "ElementWiseNeuron", [X], [X.shape], operation=operation, **params)
    assert err == 0
    np.testing.assert_allclose(out, formula(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_grouped_transpose_conv_against_a_direct_scatter(api):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 3, 4, 4)).astype(np.float32)        # NHWC, 4 channels in 2 groups
    w = rng.standard_normal((3, 2, 4, 3)).astype(np.float32)        # fh, fw, c_in, c_out/group
    stride, (top, bottom, left, right), extra = (2, 3), (1, 0, 0, 2), (1, 0)
    full = np.zeros((1, (3 - 1) * 2 + 3, (4 - 1) * 3 + 2, 6))
    for i in range(3):
        for j in range(4):
            for c in range(4):
                g = c // 2
                for a in range(3):
                    for b in range(2):
                        full[0, i * 2 + a, j * 3 + b, g * 3:(g + 1) * 3] += x[0, i, j, c] * w[a, b, c]
    oh, ow = full.shape[1] - top - bottom + extra[0], full.shape[2] - left - right + extra[1]
    full = np.pad(full, ((0, 0), (0, extra[0]), (0, extra[1]), (0, 0)))
    expected = full[:, top:top + oh, left:left + ow]
    err, (out,) = run_op(api, "TransposeConv2d", [x], [expected.shape], statics=[w], stride=list(stride),
                         pad_amount=[[top, bottom], [left, right]], group=2, output_padding=list(extra))
    assert err == 0
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mode,onnx_mode,nearest", [
    ({}, "asymmetric", "floor"),
    ({"half_pixel_centers": True}, "tf_half_pixel_for_nn", "floor"),
    ({"align_corners": True}, "align_corners", "round_prefer_ceil")])
@pytest.mark.parametrize("size", [(3, 7), (9, 2), (12, 15)])
def test_resize_nearest_neighbor_coordinate_modes(api, mode, onnx_mode, nearest, size):
    x = np.arange(6 * 6 * 2, dtype=np.float32).reshape(1, 6, 6, 2)
    node = helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="nearest",
                            coordinate_transformation_mode=onnx_mode, nearest_mode=nearest)
    graph = helper.make_graph([node], "r", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 6, 6]),
                                            helper.make_tensor_value_info("sizes", TensorProto.INT64, [4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    reference = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(
        None, {"x": x.transpose(0, 3, 1, 2).copy(), "sizes": np.array([1, 2, *size], np.int64)})[0].transpose(0, 2, 3, 1)
    err, (out,) = run_op(api, "ResizeNearestNeighbor", [x], [(1, *size, 2)], **mode)
    assert err == 0
    np.testing.assert_array_equal(out, reference)


def _instance_norm_reference(x, gamma, beta, epsilon, mode, region, normalize_variance):
    axes = {0: (1, 2), 1: (3,), 2: (1, 2, 3)}[region]
    x = x.astype(np.float64)
    centered = x - x.mean(axis=axes, keepdims=True) if mode == 0 else x
    if normalize_variance:
        centered = centered / np.sqrt((centered ** 2).mean(axis=axes, keepdims=True) + epsilon)
    return centered * gamma + beta


def test_instance_norm_against_onnxruntime(api):
    """The ACROSS_SPATIAL, MU_SIGMA case is ONNX's InstanceNormalization (NCHW there)."""
    rng = np.random.default_rng(5)
    gamma, beta = rng.standard_normal(5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    node = helper.make_node("InstanceNormalization", ["x", "g", "b"], ["y"], epsilon=0.25)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 5, 3, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [helper.make_tensor("g", TensorProto.FLOAT, [5], gamma),
                               helper.make_tensor("b", TensorProto.FLOAT, [5], beta)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": X.transpose(0, 3, 1, 2).copy()})[0].transpose(0, 2, 3, 1)
    err, (out,) = run_op(api, "InstanceNorm", [X], [X.shape], statics=[gamma, beta], epsilon=0.25)
    assert err == 0
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mode,region,normalize_variance", [(0, 0, False), (1, 0, True), (0, 1, True),
                                                            (1, 2, True), (1, 1, False)])
def test_instance_norm_modes(api, mode, region, normalize_variance):
    rng = np.random.default_rng(6)
    gamma, beta = rng.standard_normal(5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    err, (out,) = run_op(api, "InstanceNorm", [X], [X.shape], statics=[gamma, beta], epsilon=0.5, mode=mode,
                         region=region, normalize_variance=normalize_variance)
    assert err == 0
    expected = _instance_norm_reference(X, gamma, beta, 0.5, mode, region, normalize_variance)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
