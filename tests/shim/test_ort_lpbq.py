"""LPBQ weights from a real client: ONNX Runtime's QNN execution provider fuses the ONNX
pattern AIMET exports for LPBQ — DequantizeLinear(per-block uint8 integers, per-channel float
scales) feeding the scale of a blocked int4 DequantizeLinear feeding MatMul — into a QNN MatMul
whose weight carries a BLOCKWISE_EXPANSION encoding (4-bit codes handed as bare nibbles,
4-bit block integers). On qnnpy's libQnnHtp.so the outputs equal ONNX Runtime's CPU provider;
on the wheel's real libQnnHtp.so they are within a code with 8-bit activations (with 16-bit
activations its MatMul is ~1 % of the range off, as with other A16 MatMuls; docs/qnn-facts.md)."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto as T, helper, numpy_helper

from tests.shim.test_ort_qnn_ep import REAL_HTP, cpu, run_qnn_ep

K, N, BLOCK, M = 64, 32, 16, 4


def lpbq_model(path, act_bits: int):
    rng = np.random.default_rng(0)
    codes = rng.integers(-8, 8, size=(K, N))
    integers = rng.integers(1, 17, size=(K // BLOCK, N)).astype(np.uint8)  # AIMET's range: 1..2^4
    scales = (rng.random(N) * 0.01 + 0.001).astype(np.float32)
    act, zero = (T.UINT8, 128) if act_bits == 8 else (T.UINT16, 32768)
    x_scale, y_scale = (0.03, 0.1) if act_bits == 8 else (0.05, 0.002)
    initializers = [
        helper.make_tensor("w", T.INT4, [K, N], codes.ravel().tolist()),
        helper.make_tensor("w_zero", T.INT4, [K // BLOCK, N], [0] * (K // BLOCK * N)),
        numpy_helper.from_array(integers, "block_integers"), numpy_helper.from_array(scales, "channel_scales"),
        helper.make_tensor("int_zero", T.UINT8, [N], [0] * N),
        numpy_helper.from_array(np.array(x_scale, np.float32), "x_scale"), helper.make_tensor("x_zero", act, [], [zero]),
        numpy_helper.from_array(np.array(y_scale, np.float32), "y_scale"), helper.make_tensor("y_zero", act, [], [zero])]
    nodes = [
        helper.make_node("DequantizeLinear", ["block_integers", "channel_scales", "int_zero"], ["block_scales"], axis=1),
        helper.make_node("DequantizeLinear", ["w", "block_scales", "w_zero"], ["w_float"], axis=0, block_size=BLOCK),
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zero"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zero"], ["xd"]),
        helper.make_node("MatMul", ["xd", "w_float"], ["mm"]),
        helper.make_node("QuantizeLinear", ["mm", "y_scale", "y_zero"], ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "y_scale", "y_zero"], ["y"])]
    graph = helper.make_graph(nodes, "lpbq", [helper.make_tensor_value_info("x", T.FLOAT, [M, K])],
                              [helper.make_tensor_value_info("y", T.FLOAT, [M, N])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path, {"x": np.random.default_rng(1).standard_normal((M, K)).astype(np.float32)}, y_scale


@pytest.mark.parametrize("act_bits", [8, 16])
def test_lpbq_matmul_equals_onnxruntime_cpu(shim, tmp_path, act_bits):
    model, feeds, step = lpbq_model(tmp_path / f"lpbq{act_bits}.onnx", act_bits)
    want = cpu(model, feeds)[0]
    ours = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path)[0]
    assert np.abs(ours - want).max() <= 1.01 * step, np.abs(ours - want).max() / step
    assert np.abs(want).max() > 50 * step  # the outputs span many codes
    if act_bits == 8:
        real = run_qnn_ep(REAL_HTP, model, feeds, tmp_path)[0]
        assert np.abs(ours - real).max() <= 1.01 * step, np.abs(ours - real).max() / step


def test_an_lpbq_ep_context_saved_on_qnnpy_loads_and_runs(shim, tmp_path):
    model, feeds, _ = lpbq_model(tmp_path / "lpbq.onnx", 8)
    saved = tmp_path / "lpbq_ctx.onnx"
    first = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path, "ep.context_enable=1",
                       f"ep.context_file_path={saved}")[0]
    again = run_qnn_ep(shim / "libQnnHtp.so", saved, feeds, tmp_path)[0]
    np.testing.assert_array_equal(first, again)
