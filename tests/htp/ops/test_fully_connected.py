import numpy as np

from tests.htp.ops.single_op import onnx_ref, run_op


def test_fully_connected_is_gemm_with_transposed_weights(api):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6)).astype(np.float32)
    w = rng.standard_normal((5, 6)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    ref = onnx_ref("Gemm", {"a": x.reshape(6, 6), "w": w, "b": b}, {"transB": 1})[0]
    err, (out,) = run_op(api, "FullyConnected", [x], [(6, 5)], [w, b])
    assert err == 0
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_fully_connected_keep_dims(api):
    x = np.ones((2, 3, 4), np.float32)
    w = np.arange(20, dtype=np.float32).reshape(5, 4)
    err, (out,) = run_op(api, "FullyConnected", [x], [(2, 3, 5)], [w], keep_dims=True)
    assert err == 0
    np.testing.assert_allclose(out, np.broadcast_to(w.sum(axis=1), (2, 3, 5)))
